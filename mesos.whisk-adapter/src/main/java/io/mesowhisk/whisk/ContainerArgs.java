package io.mesowhisk.whisk;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The invoker's container arguments (OpenWhisk's {@code whisk.container-factory.container-args}): network, DNS and
 * extra environment and docker arguments given to every action container.
 *
 * @param network {@code bridge}, {@code host}, or the name of a user-defined network (matched case-insensitively
 *        against bridge and host; the name's case is kept)
 * @param dnsServers DNS servers, each passed to docker as a {@code dns} parameter
 * @param dnsSearch DNS search domains, passed as {@code dns-search} parameters (the old factory dropped them)
 * @param dnsOptions DNS options, passed as {@code dns-option} parameters (the old factory dropped them)
 * @param extraEnv extra environment variables of the action process
 * @param extraArgs extra docker parameters, key (without {@code --}) to values
 */
public record ContainerArgs(String network, List<String> dnsServers, List<String> dnsSearch,
        List<String> dnsOptions, Map<String, String> extraEnv, Map<String, Set<String>> extraArgs) {

    /** Bridge network, nothing else: OpenWhisk's defaults. */
    public static final ContainerArgs DEFAULT = new ContainerArgs("bridge", List.of(), List.of(), List.of(),
            Map.of(), Map.of());

    /** Validates and copies; the record is immutable. */
    public ContainerArgs {
        Objects.requireNonNull(network, "network");
        if (network.isBlank()) {
            throw new IllegalArgumentException("container args: network must not be empty "
                    + "(bridge, host or a user network name)");
        }
        dnsServers = List.copyOf(dnsServers);
        dnsSearch = List.copyOf(dnsSearch);
        dnsOptions = List.copyOf(dnsOptions);
        extraEnv = Map.copyOf(extraEnv);
        Map<String, Set<String>> args = new LinkedHashMap<>();
        extraArgs.forEach((k, v) -> args.put(Objects.requireNonNull(k, "extra args key"), Set.copyOf(v)));
        extraArgs = Map.copyOf(args);
    }
}
