package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.Verdict;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <field> MAX_PER <n>} (Marathon): at most {@code n} tasks of the group per value of {@code field}, e.g.
 * {@code rack MAX_PER 2}. {@code n} is a whole number {@code >= 1}. An agent without the attribute does not fit.
 */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=MAX_PER")
public final class MaxPerOperator implements ConstraintOperator {

    @Override
    public CompiledConstraint compile(Constraint c) {
        Values.required(c, "2");
        int max = Values.count(c, 1, false);
        return (offer, ctx) -> {
            String v = offer.valueOf(c.attribute());
            if (v == null) {
                return Verdict.no(c + ": agent " + offer.hostname() + " has no attribute " + c.attribute());
            }
            int n = ctx.placedCount(c.attribute(), v);
            return n < max ? Verdict.FITS
                    : Verdict.no(c + ": " + n + " task(s) of group '" + ctx.group() + "' already on " + c.attribute()
                            + "=" + v);
        };
    }
}
