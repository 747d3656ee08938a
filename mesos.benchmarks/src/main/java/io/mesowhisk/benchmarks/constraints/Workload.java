package io.mesowhisk.benchmarks.constraints;

import com.netflix.fenzo.ConstraintEvaluator;
import com.netflix.fenzo.TaskRequest.AssignedResources;
import com.netflix.fenzo.TaskRequest.NamedResourceSetRequest;
import com.netflix.fenzo.TaskTrackerState;
import com.netflix.fenzo.VMTaskFitnessCalculator;
import com.netflix.fenzo.VirtualMachineCurrentState;
import com.netflix.fenzo.VirtualMachineLease;
import com.netflix.fenzo.plugins.VMLeaseObject;
import io.mesowhisk.mesos.constraints.Attribute;
import io.mesowhisk.mesos.constraints.ConstraintSet;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.TaskRequest;
import io.mesowhisk.mesos.constraints.internal.ConstraintRegistry;
import io.mesowhisk.mesos.constraints.internal.LikeOperator;
import io.mesowhisk.mesos.constraints.internal.UnlikeOperator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.mesos.Protos;

/**
 * The workload, built for both schedulers from the same description: agents with cpus 8, mem 32768,
 * ports 31000-31999 and attributes zone (a, b, c round robin), rack (r0..r19) and pool (every 10th agent
 * "blackbox", else "managed"); tasks of 0.25 cpu, 256 MB, 1 port with {@code zone LIKE [ab]} and
 * {@code pool UNLIKE blackbox}. Eligible agents: 60% of them, 32 tasks each (cpu-bound), so both workloads have room
 * for every task.
 */
final class Workload {

    static final String[] ZONES = {"a", "b", "c"};

    final List<OfferView> offers = new ArrayList<>();
    final List<TaskRequest> tasks = new ArrayList<>();
    final List<VirtualMachineLease> leases = new ArrayList<>();
    final List<FenzoTask> fenzoTasks = new ArrayList<>();

    Workload(int agents, int taskCount) {
        ConstraintRegistry registry = new ConstraintRegistry();
        registry.register("LIKE", new LikeOperator());
        registry.register("UNLIKE", new UnlikeOperator());
        ConstraintSet cs = registry.compile(List.of("zone LIKE [ab]", "pool UNLIKE blackbox"), " ");

        for (int i = 0; i < agents; i++) {
            String host = "agent-" + i;
            String zone = ZONES[i % 3];
            String rack = "r" + (i % 20);
            String pool = i % 10 == 0 ? "blackbox" : "managed";
            offers.add(OfferView.builder("offer-" + i, host).agentId("agent-id-" + i).cpus(8).mem(32768).disk(100_000)
                    .ports(31000, 31999).attribute(Attribute.text("zone", zone)).attribute(Attribute.text("rack", rack))
                    .attribute(Attribute.text("pool", pool)).build());
            leases.add(new VMLeaseObject(mesosOffer(i, host, zone, rack, pool)));
        }
        // Fenzo's fastest setting: the regexes compiled once and shared by all tasks, like ours
        List<ConstraintEvaluator> hard = List.of(new FenzoRegex("zone", "[ab]", false),
                new FenzoRegex("pool", "blackbox", true));
        for (int t = 0; t < taskCount; t++) {
            tasks.add(TaskRequest.builder("task-" + t).group("action").cpus(0.25).mem(256).ports(1).constraints(cs)
                    .build());
            fenzoTasks.add(new FenzoTask("task-" + t, hard));
        }
    }

    private static Protos.Offer mesosOffer(int i, String host, String zone, String rack, String pool) {
        return Protos.Offer.newBuilder()
                .setId(Protos.OfferID.newBuilder().setValue("offer-" + i))
                .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("bench"))
                .setSlaveId(Protos.SlaveID.newBuilder().setValue("agent-id-" + i))
                .setHostname(host)
                .addResources(scalar("cpus", 8)).addResources(scalar("mem", 32768)).addResources(scalar("disk", 100_000))
                .addResources(Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES)
                        .setRanges(Protos.Value.Ranges.newBuilder()
                                .addRange(Protos.Value.Range.newBuilder().setBegin(31000).setEnd(31999))))
                .addAttributes(text("zone", zone)).addAttributes(text("rack", rack)).addAttributes(text("pool", pool))
                .build();
    }

    private static Protos.Resource scalar(String name, double value) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static Protos.Attribute text(String name, String value) {
        return Protos.Attribute.newBuilder().setName(name).setType(Protos.Value.Type.TEXT)
                .setText(Protos.Value.Text.newBuilder().setValue(value)).build();
    }

    /** LIKE / UNLIKE as a Fenzo hard constraint, with the same semantics as ours (a missing attribute fails both). */
    static final class FenzoRegex implements ConstraintEvaluator {
        private final String attribute;
        private final Pattern pattern;
        private final boolean negated;

        FenzoRegex(String attribute, String regex, boolean negated) {
            this.attribute = attribute;
            this.pattern = Pattern.compile(regex);
            this.negated = negated;
        }

        @Override
        public String getName() {
            return attribute + (negated ? " UNLIKE " : " LIKE ") + pattern;
        }

        @Override
        public Result evaluate(com.netflix.fenzo.TaskRequest task, VirtualMachineCurrentState vm,
                TaskTrackerState tracker) {
            Protos.Attribute a = vm.getCurrAvailableResources().getAttributeMap().get(attribute);
            if (a == null) {
                return new Result(false, "no attribute " + attribute);
            }
            boolean ok = pattern.matcher(a.getText().getValue()).matches() != negated;
            return new Result(ok, ok ? "" : getName());
        }
    }

    /** A Fenzo task request with the workload's resources. */
    static final class FenzoTask implements com.netflix.fenzo.TaskRequest {
        private final String id;
        private final List<ConstraintEvaluator> hard;
        private volatile AssignedResources assigned;

        FenzoTask(String id, List<ConstraintEvaluator> hard) {
            this.id = id;
            this.hard = hard;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String taskGroupName() {
            return "action";
        }

        @Override
        public double getCPUs() {
            return 0.25;
        }

        @Override
        public double getMemory() {
            return 256;
        }

        @Override
        public double getNetworkMbps() {
            return 0;
        }

        @Override
        public double getDisk() {
            return 0;
        }

        @Override
        public int getPorts() {
            return 1;
        }

        @Override
        public Map<String, Double> getScalarRequests() {
            return Map.of();
        }

        @Override
        public Map<String, NamedResourceSetRequest> getCustomNamedResources() {
            return Map.of();
        }

        @Override
        public List<? extends ConstraintEvaluator> getHardConstraints() {
            return hard;
        }

        @Override
        public List<? extends VMTaskFitnessCalculator> getSoftConstraints() {
            return List.of();
        }

        @Override
        public void setAssignedResources(AssignedResources assignedResources) {
            this.assigned = assignedResources;
        }

        @Override
        public AssignedResources getAssignedResources() {
            return assigned;
        }
    }
}
