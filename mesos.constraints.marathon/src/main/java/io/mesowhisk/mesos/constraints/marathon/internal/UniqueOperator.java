package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <field> UNIQUE} (Marathon): no other task of the group runs where {@code field} has this offer's value, e.g.
 * {@code hostname UNIQUE} = at most one task per agent. An agent without the attribute does not fit. No value.
 */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=UNIQUE")
public final class UniqueOperator implements ConstraintOperator {

    @Override
    public CompiledConstraint compile(Constraint c) {
        Values.none(c);
        return (offer, ctx) -> evaluate(c, offer, ctx);
    }

    private static Verdict evaluate(Constraint c, OfferView offer, PlacementContext ctx) {
        String v = offer.valueOf(c.attribute());
        if (v == null) {
            return Verdict.no(c + ": agent " + offer.hostname() + " has no attribute " + c.attribute());
        }
        int n = ctx.placedCount(c.attribute(), v);
        return n == 0 ? Verdict.FITS
                : Verdict.no(c + ": " + n + " task(s) of group '" + ctx.group() + "' already on " + c.attribute() + "="
                        + v);
    }
}
