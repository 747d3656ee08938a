package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.Offer;
import io.mesowhisk.mesos.v1.Protos.OfferID;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.Value;

/** Offers and resources written by hand, for the tests of offer intake and of TaskInfo building. */
final class HandMadeOffers {

    private HandMadeOffers() {
    }

    static Resource scalar(String name, double v, String role) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setRole(role)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    static Resource ports(long begin, long end, String role) {
        return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRole(role)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)))
                .build();
    }

    /**
     * Offer O1 of agent S1 on host1, for a framework in role {@code whisk}: cpus 1 unreserved, 2 for whisk, 8 for
     * another role; mem 1024 unreserved; ports 31000-31002 unreserved, 40000 for whisk, 50000-50001 for another role.
     */
    static Offer offer() {
        return Offer.newBuilder().setId(OfferID.newBuilder().setValue("O1"))
                .setFrameworkId(FrameworkID.newBuilder().setValue("F")).setAgentId(AgentID.newBuilder().setValue("S1"))
                .setHostname("host1")
                .addResources(scalar("cpus", 1, "*")).addResources(scalar("cpus", 2, "whisk"))
                .addResources(scalar("cpus", 8, "other")).addResources(scalar("mem", 1024, "*"))
                .addResources(ports(31000, 31002, "*")).addResources(ports(40000, 40000, "whisk"))
                .addResources(ports(50000, 50001, "other"))
                .build();
    }
}
