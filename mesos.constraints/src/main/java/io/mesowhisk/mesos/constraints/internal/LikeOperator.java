package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.ConstraintOperator;
import org.osgi.service.component.annotations.Component;

/** {@code <attribute> LIKE <regex>}: the regex matches the whole value; a missing attribute does not fit. */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=LIKE")
public final class LikeOperator extends RegexOperator {

    public LikeOperator() {
        super(false);
    }
}
