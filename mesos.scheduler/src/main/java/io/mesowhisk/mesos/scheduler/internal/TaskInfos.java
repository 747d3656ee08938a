package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchRequest.HealthCheck;
import io.mesowhisk.mesos.scheduler.LaunchRequest.Network;
import io.mesowhisk.mesos.v1.Protos.AgentID;
import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo.DockerInfo;
import io.mesowhisk.mesos.v1.Protos.DurationInfo;
import io.mesowhisk.mesos.v1.Protos.Environment;
import io.mesowhisk.mesos.v1.Protos.KillPolicy;
import io.mesowhisk.mesos.v1.Protos.Label;
import io.mesowhisk.mesos.v1.Protos.Labels;
import io.mesowhisk.mesos.v1.Protos.NetworkInfo;
import io.mesowhisk.mesos.v1.Protos.Parameter;
import io.mesowhisk.mesos.v1.Protos.Resource;
import io.mesowhisk.mesos.v1.Protos.TaskID;
import io.mesowhisk.mesos.v1.Protos.TaskInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link LaunchRequest} → Mesos {@link TaskInfo}: docker ContainerInfo with port mappings (BRIDGE, USER) or a shell
 * command, environment (with {@code PORT0..n} when ports are not mapped), labels, health check and kill policy.
 * Stateless.
 */
final class TaskInfos {

    private TaskInfos() {
    }

    /** Whether the request's container ports are mapped (docker BRIDGE/USER) rather than passed as env. */
    static boolean mapsPorts(LaunchRequest r) {
        return r.image().isPresent() && r.network() != Network.HOST;
    }

    /**
     * Builds the TaskInfo.
     *
     * @param hostPorts host ports, aligned with {@code r.containerPorts()}
     * @return the task, or null if the offer does not hold the resources (then the placement was wrong)
     */
    static TaskInfo build(LaunchRequest r, OfferResources offer, List<Integer> hostPorts) {
        List<Resource> resources = new ArrayList<>(5);
        if (!offer.takeScalar("cpus", Math.round(r.cpus() * 1000), resources)
                || !offer.takeScalar("mem", Math.round(r.memMb() * 1000), resources)
                || (r.diskMb() > 0 && !offer.takeScalar("disk", Math.round(r.diskMb() * 1000), resources))
                || !offer.takePorts(hostPorts, resources)) {
            return null;
        }
        TaskInfo.Builder task = TaskInfo.newBuilder()
                .setName(r.name())
                .setTaskId(TaskID.newBuilder().setValue(r.taskId()))
                .setAgentId(AgentID.newBuilder().setValue(offer.offer().getAgentId().getValue()))
                .addAllResources(resources);

        Environment.Builder env = Environment.newBuilder();
        for (Map.Entry<String, String> e : r.environment().entrySet()) {
            env.addVariablesBuilder().setName(e.getKey()).setValue(e.getValue());
        }
        if (!mapsPorts(r)) {
            for (int i = 0; i < hostPorts.size(); i++) {
                if (i == 0) {
                    env.addVariablesBuilder().setName("PORT").setValue(hostPorts.get(0).toString());
                }
                env.addVariablesBuilder().setName("PORT" + i).setValue(hostPorts.get(i).toString());
            }
        }
        CommandInfo.Builder command = CommandInfo.newBuilder().setEnvironment(env);
        if (r.command().isPresent()) {
            command.setShell(true).setValue(r.command().get());
        } else {
            command.setShell(false); // the image's own entrypoint and command
        }
        task.setCommand(command);

        if (r.image().isPresent()) {
            DockerInfo.Builder docker = DockerInfo.newBuilder().setImage(r.image().get())
                    .setForcePullImage(r.forcePull())
                    .setNetwork(switch (r.network()) {
                        case BRIDGE -> DockerInfo.Network.BRIDGE;
                        case HOST -> DockerInfo.Network.HOST;
                        case USER -> DockerInfo.Network.USER;
                    });
            if (mapsPorts(r)) {
                for (int i = 0; i < hostPorts.size(); i++) {
                    docker.addPortMappingsBuilder().setHostPort(hostPorts.get(i))
                            .setContainerPort(r.containerPorts().get(i)).setProtocol("tcp");
                }
            }
            for (Map.Entry<String, String> p : r.dockerParameters()) {
                docker.addParameters(Parameter.newBuilder().setKey(p.getKey()).setValue(p.getValue()));
            }
            ContainerInfo.Builder container = ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
                    .setDocker(docker);
            r.networkName().ifPresent(n -> container.addNetworkInfos(NetworkInfo.newBuilder().setName(n)));
            task.setContainer(container);
        } else if (r.networkName().isPresent()) {
            task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
                    .addNetworkInfos(NetworkInfo.newBuilder().setName(r.networkName().get())));
        }

        if (!r.labels().isEmpty()) {
            Labels.Builder labels = Labels.newBuilder();
            r.labels().forEach((k, v) -> labels.addLabels(Label.newBuilder().setKey(k).setValue(v)));
            task.setLabels(labels);
        }
        r.healthCheck().ifPresent(h -> task.setHealthCheck(healthCheck(h, hostPorts)));
        r.killGrace().ifPresent(g -> task.setKillPolicy(killPolicy(g)));
        return task.build();
    }

    static KillPolicy killPolicy(Duration grace) {
        return KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(grace.toNanos()))
                .build();
    }

    private static io.mesowhisk.mesos.v1.Protos.HealthCheck healthCheck(HealthCheck h, List<Integer> hostPorts) {
        io.mesowhisk.mesos.v1.Protos.HealthCheck.Builder b = io.mesowhisk.mesos.v1.Protos.HealthCheck.newBuilder()
                .setDelaySeconds(seconds(h.delay()))
                .setIntervalSeconds(seconds(h.interval()))
                .setTimeoutSeconds(seconds(h.timeout()))
                .setConsecutiveFailures(h.consecutiveFailures())
                .setGracePeriodSeconds(seconds(h.gracePeriod()));
        switch (h.type()) {
            case TCP -> b.setType(io.mesowhisk.mesos.v1.Protos.HealthCheck.Type.TCP)
                    .setTcp(io.mesowhisk.mesos.v1.Protos.HealthCheck.TCPCheckInfo.newBuilder()
                            .setPort(hostPorts.get(h.portIndex())));
            case HTTP -> b.setType(io.mesowhisk.mesos.v1.Protos.HealthCheck.Type.HTTP)
                    .setHttp(io.mesowhisk.mesos.v1.Protos.HealthCheck.HTTPCheckInfo.newBuilder()
                            .setPort(hostPorts.get(h.portIndex())).setPath(h.path()).setScheme(h.scheme()));
            case COMMAND -> b.setType(io.mesowhisk.mesos.v1.Protos.HealthCheck.Type.COMMAND)
                    .setCommand(CommandInfo.newBuilder().setShell(true).setValue(h.command()));
            default -> throw new IllegalStateException("unknown health check type " + h.type());
        }
        return b.build();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
