package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.constraints.ConstraintConfiguration;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.whisk.ContainerArgs;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.WhiskMesosSettings.HealthCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns an OpenWhisk container request into a Mesos launch, as OpenWhisk's Mesos factory built its task: the image,
 * cpus = the cpu limit if given else {@code cpuShares / 1024}, memory in MB, container port 8080 mapped to one host
 * port, the network, docker parameters (the invoker's without their leading {@code --}, DNS, extra args),
 * {@code __OW_API_HOST} plus the extra environment, the constraints for the kind of image, and the TCP health
 * check of {@code health-check.*}. A pure function of its inputs.
 */
final class TaskBuilder {

    /** The action proxy's port inside the container. */
    static final int ACTION_PROXY_PORT = 8080;
    /** Label naming the invoker that created the task. */
    static final String INVOKER_LABEL = "whisk.invoker";

    private TaskBuilder() {
    }

    static LaunchRequest build(ContainerRequest request, String taskId, WhiskMesosSettings settings,
            ConstraintConfiguration constraints) {
        ContainerArgs args = request.args();
        LaunchRequest.Builder b = LaunchRequest.builder(request.name())
                .taskId(taskId)
                .docker(request.image())
                .cpus(request.cpus())
                .memMb(request.memoryMb())
                .containerPorts(ACTION_PROXY_PORT)
                .constraints(constraints.forImage(request.userProvided()))
                .group(request.image())
                .launchTimeout(settings.timeouts().taskLaunch())
                .label(INVOKER_LABEL, request.invoker());
        switch (args.network().toLowerCase(Locale.ROOT)) {
            case "bridge" -> b.network(LaunchRequest.Network.BRIDGE);
            case "host" -> b.network(LaunchRequest.Network.HOST);
            default -> b.userNetwork(args.network());
        }
        dockerParameters(request).forEach(e -> b.dockerParameter(e.getKey(), e.getValue()));
        if (!request.apiHost().isEmpty()) {
            b.env("__OW_API_HOST", request.apiHost());
        }
        new java.util.TreeMap<>(args.extraEnv()).forEach(b::env);
        HealthCheck hc = settings.healthCheck();
        if (hc.enabled()) {
            b.healthCheck(LaunchRequest.HealthCheck.tcp(hc.portIndex()).withTiming(hc.delay(), hc.interval(),
                    hc.timeout(), hc.maxConsecutiveFailures(), hc.gracePeriod()));
        }
        return b.build();
    }

    /**
     * The invoker's parameters without their leading {@code --}, then {@code dns} for each DNS server,
     * {@code dns-search} and {@code dns-option}, then the extra args; values of one key sorted, so a task is
     * built the same way every time.
     */
    static List<Map.Entry<String, String>> dockerParameters(ContainerRequest request) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        add(out, request.dockerParameters());
        ContainerArgs args = request.args();
        args.dnsServers().forEach(s -> out.add(Map.entry("dns", s)));
        args.dnsSearch().forEach(s -> out.add(Map.entry("dns-search", s)));
        args.dnsOptions().forEach(s -> out.add(Map.entry("dns-option", s)));
        add(out, args.extraArgs());
        return out;
    }

    private static void add(List<Map.Entry<String, String>> out, Map<String, Set<String>> parameters) {
        new java.util.TreeMap<>(parameters).forEach((key, values) -> {
            String name = key.replaceFirst("^-+", "");
            new TreeSet<>(values).forEach(v -> out.add(Map.entry(name, v)));
        });
    }
}
