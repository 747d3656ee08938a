package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <field> CLUSTER [value]} (Marathon): all tasks of the group share one value of {@code field}. With a value,
 * the offer's value must equal it (like IS). Without, the first task picks the value and later tasks must land where
 * {@code field} has the same value. An agent without the attribute does not fit.
 */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=CLUSTER")
public final class ClusterOperator implements ConstraintOperator {

    @Override
    public CompiledConstraint compile(Constraint c) {
        if (c.value() != null) {
            return new IsOperator.Equals(c);
        }
        return (offer, ctx) -> evaluate(c, offer, ctx);
    }

    private static Verdict evaluate(Constraint c, OfferView offer, PlacementContext ctx) {
        String v = offer.valueOf(c.attribute());
        if (v == null) {
            return Verdict.no(c + ": agent " + offer.hostname() + " has no attribute " + c.attribute());
        }
        int total = ctx.placedCount();
        if (total == 0 || ctx.placedCount(c.attribute(), v) == total) {
            return Verdict.FITS;
        }
        return Verdict.no(c + ": tasks of group '" + ctx.group() + "' are clustered on " + ctx.placedCounts(c.attribute())
                .keySet() + ", agent " + offer.hostname() + " has " + c.attribute() + "=" + v);
    }
}
