package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.api.LocalMaster;
import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import java.net.URI;
import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local mode: with configuration PID {@code mesos.emulator} present, runs an emulated Mesos cluster in this JVM and
 * registers it as the {@link LocalMaster} that frameworks without a master URL subscribe to. Any configuration
 * change restarts the emulator (a new master with new ids, like a master failover). Immediate: the master runs as
 * soon as the configuration exists, not only once someone asks for the service (a delayed component would open no
 * port until then).
 */
@Component(configurationPid = "mesos.emulator", configurationPolicy = ConfigurationPolicy.REQUIRE,
    service = LocalMaster.class, immediate = true)
@Designate(ocd = LocalMasterComponent.Config.class)
public final class LocalMasterComponent implements LocalMaster {

    @ObjectClassDefinition(name = "Mesos emulator (local master)",
        description = "An emulated Mesos master with agents in this JVM, the local default when no Mesos master URL"
            + " is configured. Every change restarts the emulator.")
    public @interface Config {
        @AttributeDefinition(name = "Host", description = "Address the master and agents bind to and report.")
        String host() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "Master port; 0 picks a free port.", min = "0",
            max = "65535")
        int port() default 0;

        @AttributeDefinition(name = "Agents", description = "Number of agents.", min = "0")
        int agents() default 1;

        @AttributeDefinition(name = "Agent resources",
            description = "Resources of every agent in Mesos flag syntax, e.g. cpus:4;mem:8192;ports:[31000-32000];"
                + "cpus(role):2 for role-reserved resources.")
        String agent_resources() default AgentSpec.DEFAULT_RESOURCES;

        @AttributeDefinition(name = "Agent attributes",
            description = "Attributes of every agent, e.g. rack:r1;zone:a (TEXT, SCALAR, [a-b] RANGES, {x,y} SET).")
        String agent_attributes() default "";

        @AttributeDefinition(name = "Per-agent specs",
            description = "Overrides for single agents: <index>=<resources>|<attributes>, e.g. 1=cpus:8;mem:16384|rack:r2")
        String[] agent_specs() default {};

        @AttributeDefinition(name = "Heartbeat interval (ms)", description = "Mesos uses 15000.", min = "1")
        long heartbeat_interval_ms() default 15000;

        @AttributeDefinition(name = "Allocation interval (ms)", description = "Batch allocation interval.",
            min = "1")
        long allocation_interval_ms() default 1000;

        @AttributeDefinition(name = "Docker start delay (ms)",
            description = "How long a simulated docker container takes to start.", min = "0")
        long docker_start_delay_ms() default 0;

        @AttributeDefinition(name = "Agent HTTP endpoints",
            description = "Each agent gets an HTTP port for /state and /files (at most 256 agents).")
        boolean agent_http() default true;

        @AttributeDefinition(name = "Work directory",
            description = "Agents' work directory (sandboxes); empty = a temporary directory removed on stop.")
        String work_dir() default "";

        @AttributeDefinition(name = "Sandbox GC delay (ms)",
            description = "Delete a finished task's sandbox this long after the master forgets it (the agent's"
                + " --gc_delay); -1 keeps sandboxes until the emulator stops.", min = "-1")
        long gc_delay_ms() default -1;

        @AttributeDefinition(name = "Runtime images",
            description = "Docker images that run as local processes instead of being simulated, as"
                + " PATTERN=COMMAND: a glob matched against the image name with and without registry and tag, and a"
                + " command line with the placeholders {port}, {host}, {sandbox}, {image}, {task-id} and"
                + " {nodejs-proxy}, e.g. myorg/python*=python3 /opt/proxy.py --port {port}. An empty command keeps"
                + " matching images simulated. Tried in order, before the entries of -Dwhisk.mesos.local.runtimes"
                + " (or CONFIG_whisk_mesos_local_runtimes) and the defaults; the first match wins.")
        String[] runtimes() default {};

        @AttributeDefinition(name = "Default runtime images",
            description = "OpenWhisk's Node.js images (openwhisk/action-nodejs-v*, openwhisk/nodejs*action) run the"
                + " bundled action proxy with the node found on the PATH.")
        boolean default_runtimes() default true;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalMasterComponent.class);

    private final MesosEmulator emulator;

    @Activate
    public LocalMasterComponent(Config config) {
        this.emulator = build(config).start();
        LOG.info("Mesos emulator started: leading master at {}; runtime images (first match wins): {}",
            emulator.leaderUri(), emulator.runtimeImages().isEmpty() ? "none, every docker task is simulated"
                : String.join(", ", emulator.runtimeImages()));
    }

    static MesosEmulator.Builder build(Config config) {
        MesosEmulator.Builder b = MesosEmulator.builder()
            .host(config.host())
            .port(config.port())
            .agents(config.agents())
            .defaultAgent(AgentSpec.of(config.agent_resources(), config.agent_attributes()))
            .heartbeatInterval(java.time.Duration.ofMillis(config.heartbeat_interval_ms()))
            .allocationInterval(java.time.Duration.ofMillis(config.allocation_interval_ms()))
            .dockerStartDelay(java.time.Duration.ofMillis(config.docker_start_delay_ms()))
            .agentHttp(config.agent_http());
        for (String spec : config.agent_specs()) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("mesos.emulator agent.specs entry '" + spec
                    + "' must be <index>=<resources>|<attributes>");
            }
            int index;
            try {
                index = Integer.parseInt(spec.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mesos.emulator agent.specs entry '" + spec
                    + "' must start with an agent index");
            }
            String rest = spec.substring(eq + 1);
            int bar = rest.indexOf('|');
            b.agent(index, bar < 0 ? AgentSpec.of(rest, "")
                : AgentSpec.of(rest.substring(0, bar), rest.substring(bar + 1)));
        }
        if (!config.work_dir().isBlank()) {
            b.workDir(Path.of(config.work_dir()));
        }
        if (config.gc_delay_ms() >= 0) {
            b.sandboxGcDelay(java.time.Duration.ofMillis(config.gc_delay_ms()));
        }
        // blank entries are what an editor makes of the Metatype default of an empty list
        b.runtimes(java.util.Arrays.stream(config.runtimes()).filter(r -> !r.isBlank()).toList(),
            "runtimes of configuration mesos.emulator");
        b.runtimesFromSystem();
        if (config.default_runtimes()) {
            b.defaultRuntimes();
        }
        return b;
    }

    @Override
    public URI endpoint() {
        return emulator.leaderUri();
    }

    @Deactivate
    void deactivate() {
        emulator.close();
        LOG.info("Mesos emulator stopped");
    }
}
