package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.Map;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <field> GROUP_BY [n]} (Marathon): spread the group's tasks evenly over the values of {@code field}. An offer
 * fits if its value has no task of the group yet, or if there are at least {@code n} groups (default 0) and its
 * value's group is (one of) the smallest. Tasks on agents without the attribute form a group of their own, as in
 * Marathon. {@code n} is a whole number {@code >= 0} or {@code inf}. An agent without the attribute does not fit.
 */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=GROUP_BY")
public final class GroupByOperator implements ConstraintOperator {

    @Override
    public CompiledConstraint compile(Constraint c) {
        int minimum = c.value() == null ? 0 : Values.count(c, 0, true);
        return (offer, ctx) -> evaluate(c, minimum, offer, ctx);
    }

    private static Verdict evaluate(Constraint c, int minimum, OfferView offer, PlacementContext ctx) {
        String v = offer.valueOf(c.attribute());
        if (v == null) {
            return Verdict.no(c + ": agent " + offer.hostname() + " has no attribute " + c.attribute());
        }
        Map<String, Integer> counts = ctx.placedCounts(c.attribute());
        Integer mine = counts.get(v);
        if (mine == null) {
            return Verdict.FITS;   // a value without tasks yet
        }
        int withValue = 0;
        int min = Integer.MAX_VALUE;
        for (int n : counts.values()) {
            withValue += n;
            min = Math.min(min, n);
        }
        int without = ctx.placedCount() - withValue;
        int groups = counts.size();
        if (without > 0) {
            groups++;
            min = Math.min(min, without);
        }
        if (groups >= minimum && mine == min) {
            return Verdict.FITS;
        }
        return Verdict.no(c + ": " + c.attribute() + "=" + v + " has " + mine + " task(s) of group '" + ctx.group()
                + "', the smallest of " + groups + " group(s) has " + min
                + (groups < minimum ? " and fewer than " + minimum + " groups exist" : ""));
    }
}
