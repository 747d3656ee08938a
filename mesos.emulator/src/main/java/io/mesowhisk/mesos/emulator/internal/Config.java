package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.AgentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Validated emulator settings (built by {@code MesosEmulator.Builder}). Immutable. */
public record Config(
    String host,
    int masters,
    int port,
    List<AgentSpec> agents,
    Duration heartbeatInterval,
    Duration allocationInterval,
    Duration offerTimeout,
    Duration statusUpdateRetry,
    Duration dockerStartDelay,
    Path workDir,
    boolean agentHttp,
    Map<String, String> credentials,
    /** How long after the master forgets a task its sandbox is deleted; null: kept until the emulator stops. */
    Duration sandboxGcDelay,
    /** Docker images run as local processes instead of being simulated. */
    RuntimeImages runtimeImages) {
}
