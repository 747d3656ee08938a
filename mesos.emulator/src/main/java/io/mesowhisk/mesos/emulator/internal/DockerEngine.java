package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.ContainerInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The agents' containerizers: command tasks run as real child processes in a Mesos-style sandbox;

/**
 * The docker engine under the simulated docker tasks, as far as Mesos can see it: the checks of
 * {@code docker run}'s options, the networks containers join and the addresses they get there, and the
 * {@code docker inspect} output the docker executor sends with TASK_RUNNING. Owned by the master loop (the networks
 * are per agent state), like the {@link TaskRunner} that uses it.
 */
final class DockerEngine {

    /**
     * The network and port checks of {@code Docker::RunOptions::create} (M:src/docker/docker.cpp), which the docker
     * executor makes before {@code docker run}; null when the options are fine.
     */
    static String runOptionsError(Task t) {
        ContainerInfo c = t.info.getContainer();
        ContainerInfo.DockerInfo d = c.getDocker();
        if (d.getNetwork() == ContainerInfo.DockerInfo.Network.USER) {
            if (c.getNetworkInfosCount() == 0) {
                return "No network info found in container info";
            }
            if (c.getNetworkInfosCount() > 1) {
                return "Only a single network can be defined in Docker run";
            }
            if (!c.getNetworkInfos(0).hasName()) {
                return "No network name found in network info";
            }
        }
        boolean host = d.getNetwork() == ContainerInfo.DockerInfo.Network.HOST;
        if (c.hasHostname() && host) {
            return "Unable to set hostname with host network mode";
        }
        if (d.getPortMappingsCount() == 0) {
            return null;
        }
        if (host || d.getNetwork() == ContainerInfo.DockerInfo.Network.NONE) {
            return "Port mappings are only supported for bridge and user-defined networks";
        }
        if (t.resources.entries().keySet().stream().noneMatch(k -> k.name().equals("ports"))) {
            return "Port mappings require port resources";
        }
        for (ContainerInfo.DockerInfo.PortMapping m : d.getPortMappingsList()) {
            if (!t.resources.rangesContain("ports", m.getHostPort())) {
                return "Port [" + m.getHostPort() + "] not included in resources";
            }
        }
        return null;
    }

    /**
     * The network a simulated container joins, as {@code docker run --net} names it (M:src/docker/docker.cpp
     * {@code RunOptions::create}), and the address docker would give it there: none for host and none networks,
     * else a synthetic one (nothing listens there).
     */
    record Network(String mode, String ip, String gateway) {
    }

    /** Per agent and docker network: the second octet of its 172.x.0.0/16 and how many addresses it handed out. */
    private final Map<AgentNetwork, int[]> dockerNetworks = new HashMap<>();
    /** A docker network on one agent. */
    private record AgentNetwork(String agentId, String network) {
    }

    /** Per agent: how many user-defined networks its containers have joined. */
    private final Map<String, Integer> userNetworks = new HashMap<>();

    /**
     * Docker's default bridge is 172.17.0.0/16 and user-defined networks get the next /16s, 172.18 to 172.31, in the
     * order a container on the agent first joins them. Addresses start at .0.2 (.0.1 is the gateway) and go up.
     */
    Network network(Task t) {
        ContainerInfo c = t.info.getContainer();
        String mode = switch (c.getDocker().getNetwork()) {
            case BRIDGE -> "bridge";
            case NONE -> "none";
            case USER -> c.getNetworkInfos(0).getName(); // dockerRunOptionsError made sure there is one
            default -> "host";
        };
        if (mode.equals("host") || mode.equals("none")) {
            return new Network(mode, null, null);
        }
        int[] net = dockerNetworks.computeIfAbsent(new AgentNetwork(t.agent.id, mode), k -> {
            if (mode.equals("bridge")) {
                return new int[] {17, 0};
            }
            int n = userNetworks.merge(t.agent.id, 1, Integer::sum) - 1;
            return new int[] {18 + n % 14, 0};
        });
        int host = 2 + net[1]++ % 65533; // 172.x.0.2 .. 172.x.255.254
        return new Network(mode, "172." + net[0] + "." + (host >> 8) + "." + (host & 255),
            "172." + net[0] + ".0.1");
    }

    /**
     * What the docker executor puts in TASK_RUNNING's {@code data}: the output of {@code docker inspect
     * --type=container}, a JSON array of one container, indented as the docker CLI prints it. This one has the
     * fields Mesos reads (M:src/docker/docker.cpp {@code Container::create}) and a few around them; the name is the
     * docker containerizer's {@code mesos-<container id>}, and {@code State.Pid} is 0 when no process runs.
     */
    static String inspectJson(Task t, Network net, long pid) {
        String now = Instant.now().toString();
        String ip = net.ip() == null ? "" : net.ip();
        String gateway = net.gateway() == null ? "" : net.gateway();
        int prefix = net.ip() == null ? 0 : 16;
        return "[\n"
            + "    {\n"
            + "        \"Id\": " + json(dockerId(t.containerId)) + ",\n"
            + "        \"Created\": " + json(now) + ",\n"
            + "        \"State\": {\n"
            + "            \"Status\": \"running\",\n"
            + "            \"Running\": true,\n"
            + "            \"Paused\": false,\n"
            + "            \"Restarting\": false,\n"
            + "            \"OOMKilled\": false,\n"
            + "            \"Dead\": false,\n"
            + "            \"Pid\": " + pid + ",\n"
            + "            \"ExitCode\": 0,\n"
            + "            \"Error\": \"\",\n"
            + "            \"StartedAt\": " + json(now) + ",\n"
            + "            \"FinishedAt\": \"0001-01-01T00:00:00Z\"\n"
            + "        },\n"
            + "        \"Name\": " + json("/mesos-" + t.containerId) + ",\n"
            + "        \"HostConfig\": {\n"
            + "            \"NetworkMode\": " + json(net.mode()) + "\n"
            + "        },\n"
            + "        \"Config\": {\n"
            + "            \"Image\": " + json(t.info.getContainer().getDocker().getImage()) + "\n"
            + "        },\n"
            + "        \"NetworkSettings\": {\n"
            // docker fills the old top-level address for the default bridge only
            + "            \"IPAddress\": " + json(net.mode().equals("bridge") ? ip : "") + ",\n"
            + "            \"Networks\": {\n"
            + "                " + json(net.mode()) + ": {\n"
            + "                    \"Gateway\": " + json(gateway) + ",\n"
            + "                    \"IPAddress\": " + json(ip) + ",\n"
            + "                    \"IPPrefixLen\": " + prefix + ",\n"
            + "                    \"GlobalIPv6Address\": \"\"\n"
            + "                }\n"
            + "            }\n"
            + "        }\n"
            + "    }\n"
            + "]\n";
    }

    /** A docker-like 64-hex-digit container id, derived from the Mesos container id. */
    private static String dockerId(String containerId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(containerId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code v} as a JSON string literal. */
    private static String json(String v) {
        StringBuilder b = new StringBuilder(v.length() + 2);
        MesosJson.string(v, b);
        return b.toString();
    }
}
