package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.ConstraintOperator;
import org.osgi.service.component.annotations.Component;

/** {@code <attribute> UNLIKE <regex>}: the regex does not match the whole value; an agent without the attribute does not fit
 * (as with LIKE, and as the old OpenWhisk Mesos support placed). */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=UNLIKE")
public final class UnlikeOperator extends RegexOperator {

    public UnlikeOperator() {
        super(true);
    }
}
