package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.util.List;

/**
 * The resources left in one offer while tasks are carved out of it for an ACCEPT: each task's resources are copies of
 * the offer's own resource entries (role, reservation and allocation info kept), so Mesos finds them in the offer.
 * Scalars are counted in Mesos's milli-units so nothing drifts. Loop-confined.
 */
final class OfferResources {

    private final Offer offer;
    private final OfferIntake intake;
    private final long[] remainingMilli;

    OfferResources(Offer offer, OfferIntake intake) {
        this.offer = offer;
        this.intake = intake;
        this.remainingMilli = new long[offer.getResourcesCount()];
        for (int i = 0; i < remainingMilli.length; i++) {
            Resource r = offer.getResources(i);
            if (r.getType() == Value.Type.SCALAR) {
                remainingMilli[i] = Math.round(r.getScalar().getValue() * 1000);
            }
        }
    }

    Offer offer() {
        return offer;
    }

    /** Takes {@code milli} of the scalar {@code name}; adds the resource entries to {@code out}; false if short. */
    boolean takeScalar(String name, long milli, List<Resource> out) {
        long need = milli;
        for (int i = 0; i < remainingMilli.length && need > 0; i++) {
            Resource r = offer.getResources(i);
            if (!r.getName().equals(name) || r.getType() != Value.Type.SCALAR || !intake.usable(r)
                    || remainingMilli[i] <= 0) {
                continue;
            }
            long take = Math.min(need, remainingMilli[i]);
            remainingMilli[i] -= take;
            need -= take;
            out.add(r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(take / 1000.0)).build());
        }
        return need == 0;
    }

    /** Adds the ports resource entries holding {@code ports}; false if a port is not in the offer. */
    boolean takePorts(List<Integer> ports, List<Resource> out) {
        for (int port : ports) {
            boolean found = false;
            for (int i = 0; i < offer.getResourcesCount() && !found; i++) {
                Resource r = offer.getResources(i);
                if (!r.getName().equals("ports") || r.getType() != Value.Type.RANGES || !intake.usable(r)) {
                    continue;
                }
                for (Value.Range range : r.getRanges().getRangeList()) {
                    if (range.getBegin() <= port && port <= range.getEnd()) {
                        out.add(r.toBuilder().setRanges(Value.Ranges.newBuilder()
                                .addRange(Value.Range.newBuilder().setBegin(port).setEnd(port))).build());
                        found = true;
                        break;
                    }
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
