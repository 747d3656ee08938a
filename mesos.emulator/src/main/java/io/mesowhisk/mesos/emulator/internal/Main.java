package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.AgentSpec;
import io.mesowhisk.mesos.emulator.MesosEmulator;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Standalone emulator: {@code java -jar mesos-emulator.jar --port 5050 --agents 3}. Runs until interrupted.
 */
public final class Main {

    static final String USAGE = """
        Usage: java -jar mesos-emulator.jar [options]
          --port <n>                 port of the (first) master, 0 = random           (default 5050)
          --host <addr>              address to bind and report                       (default 127.0.0.1)
          --agents <n>               number of agents                                 (default 1)
          --masters <n>              number of masters; master 0 leads               (default 1)
          --resources <text>         every agent's resources, Mesos flag syntax
                                     (default cpus:4;mem:8192;disk:20000;ports:[31000-32000])
          --attributes <text>        every agent's attributes, e.g. rack:r1;zone:a    (default none)
          --agent <i>=<res>|<attrs>  resources and attributes of agent i (0-based), e.g.
                                     --agent '1=cpus:8;mem:16384|rack:r2'
          --heartbeat <duration>     heartbeat interval, e.g. 15s, 500ms              (default 15s)
          --allocation <duration>    allocation interval                              (default 1s)
          --offer-timeout <duration> rescind unused offers after this long            (default never)
          --update-retry <duration>  first retry of an unacknowledged status update   (default 10s)
          --docker-start <duration>  start delay of simulated docker containers       (default 0s)
          --work-dir <path>          agents' work directory                           (default a temp dir)
          --gc-delay <duration>      delete a finished task's sandbox this long after (default keep)
          --credential <p>:<secret>  require HTTP Basic authentication (repeatable)
          --runtime <glob>=<command> docker tasks whose image matches run <command> as a
                                     local process (repeatable, first match wins), e.g.
                                     --runtime 'myorg/py*=python3 proxy.py --port {port}';
                                     an empty command keeps matching images simulated
          --no-default-runtimes      simulate OpenWhisk's Node.js images too (by default
                                     they run the bundled action proxy with node)
          --no-agent-http            agents get no HTTP port (/state, /files); needed above 256 agents
          --help                     this text
        """;

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        MesosEmulator emu;
        try {
            MesosEmulator.Builder b = parse(args, System.out);
            if (b == null) {
                return;
            }
            emu = b.start();
        } catch (IllegalArgumentException e) {
            System.err.println("mesos-emulator: " + e.getMessage());
            System.err.println("Try --help.");
            System.exit(2);
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emu.close();
            done.countDown();
        }));
        System.out.println("Mesos emulator: leading master at " + emu.leaderUri() + " (scheduler API "
            + emu.leaderUri().resolve("/api/v1/scheduler") + ", state " + emu.leaderUri().resolve("/state") + ")");
        for (int i = 0; i < emu.agentCount(); i++) {
            System.out.println("  agent " + i + " " + emu.agentId(i) + " at " + emu.agentUri(i));
        }
        System.out.println("  work dir " + emu.workDir());
        for (String r : emu.runtimeImages()) {
            System.out.println("  runtime image " + r);
        }
        done.await();
    }

    /** The builder for {@code args}, or null after printing help. Throws naming the bad argument. */
    static MesosEmulator.Builder parse(String[] args, PrintStream out) {
        MesosEmulator.Builder b = MesosEmulator.builder().port(5050);
        String resources = null;
        String attributes = null;
        int agents = 1;
        java.util.Map<Integer, String[]> perAgent = new java.util.TreeMap<>();
        boolean defaultRuntimes = true;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                out.print(USAGE);
                return null;
            }
            if (a.equals("--no-agent-http")) {
                b.agentHttp(false);
                continue;
            }
            if (a.equals("--no-default-runtimes")) {
                defaultRuntimes = false;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + a + "'");
            }
            String name = a;
            String value;
            int eq = a.indexOf('=');
            if (eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value for " + a);
                }
                value = args[++i];
            }
            switch (name) {
                case "--port" -> b.port(integer(name, value));
                case "--host" -> b.host(value);
                case "--agents" -> agents = integer(name, value);
                case "--masters" -> b.masters(integer(name, value));
                case "--resources" -> resources = value;
                case "--attributes" -> attributes = value;
                case "--agent" -> {
                    int e = value.indexOf('=');
                    if (e <= 0) {
                        throw new IllegalArgumentException("--agent expects <index>=<resources>|<attributes>, got '"
                            + value + "'");
                    }
                    int index = integer("--agent index", value.substring(0, e));
                    String rest = value.substring(e + 1);
                    int bar = rest.indexOf('|');
                    perAgent.put(index, bar < 0 ? new String[] {rest, ""}
                        : new String[] {rest.substring(0, bar), rest.substring(bar + 1)});
                }
                case "--heartbeat" -> b.heartbeatInterval(duration(name, value));
                case "--allocation" -> b.allocationInterval(duration(name, value));
                case "--offer-timeout" -> b.offerTimeout(duration(name, value));
                case "--update-retry" -> b.statusUpdateRetryInterval(duration(name, value));
                case "--docker-start" -> b.dockerStartDelay(duration(name, value));
                case "--gc-delay" -> b.sandboxGcDelay(duration(name, value));
                case "--work-dir" -> b.workDir(Path.of(value));
                case "--credential" -> {
                    int c = value.indexOf(':');
                    if (c <= 0) {
                        throw new IllegalArgumentException("--credential expects <principal>:<secret>, got '"
                            + value + "'");
                    }
                    b.credential(value.substring(0, c), value.substring(c + 1));
                }
                case "--runtime" -> b.runtimes(java.util.List.of(value), "--runtime");
                default -> throw new IllegalArgumentException("Unknown option '" + name + "'");
            }
        }
        // then what an OpenWhisk invoker's settings say (-Dwhisk.mesos.local.runtimes, CONFIG_...), then the defaults
        b.runtimesFromSystem();
        if (defaultRuntimes) {
            b.defaultRuntimes();
        }
        AgentSpec defaults = AgentSpec.of(resources, attributes);
        b.agents(agents).defaultAgent(defaults);
        for (var e : perAgent.entrySet()) {
            b.agent(e.getKey(), AgentSpec.of(e.getValue()[0], e.getValue()[1]));
        }
        return b;
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects an integer, got '" + value + "'");
        }
    }

    /** {@code 15s}, {@code 500ms}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT15S}). */
    /** A non-negative duration; a negative or unreadable one is refused naming the option. */
    static Duration duration(String name, String value) {
        Duration d = parseDuration(name, value);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got '" + value + "'");
        }
        return d;
    }

    private static Duration parseDuration(String name, String value) {
        String v = value.trim();
        try {
            if (v.startsWith("PT") || v.startsWith("pt")) {
                return Duration.parse(v);
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofNanos((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1e9));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
            }
        } catch (RuntimeException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(name + " expects a duration like 15s, 500ms, 2m, got '" + value + "'");
    }
}
