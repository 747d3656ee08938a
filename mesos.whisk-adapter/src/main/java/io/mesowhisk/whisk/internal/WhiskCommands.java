package io.mesowhisk.whisk.internal;

import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.LogResult;
import io.mesowhisk.whisk.WhiskContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands to drive the container factory by hand: {@code whisk:create}, {@code whisk:list},
 * {@code whisk:init}, {@code whisk:run}, {@code whisk:logs}, {@code whisk:destroy}. Each returns data that prints
 * as text. They wait for the answer (bounded), as a shell user expects.
 */
@Component(service = WhiskCommands.class, property = {"osgi.command.scope=whisk",
        "osgi.command.function=create", "osgi.command.function=list", "osgi.command.function=init",
        "osgi.command.function=run", "osgi.command.function=logs", "osgi.command.function=destroy"})
public final class WhiskCommands {

    private static final Duration WAIT = Duration.ofMinutes(2);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile MesosContainerFactory factory;

    private MesosContainerFactory factory() {
        MesosContainerFactory f = factory;
        if (f == null) {
            throw new IllegalStateException("no container factory is running: see whisk:config (no configuration "
                    + "in force, or local mode still starting the embedded Mesos emulator)");
        }
        return f;
    }

    private MesosWhiskContainer container(String id) {
        return factory().container(id).orElseThrow(() -> new IllegalArgumentException("no container " + id
                + " (whisk:list shows them)"));
    }

    @Descriptor("create an action container: whisk:create [-m <memory MB>] [-c <cpu shares>] [-b] <image>")
    public ContainerInfo create(
            @Descriptor("memory in MB (default 256)") @Parameter(names = {"-m", "--memory"}, absentValue = "256")
            long memoryMb,
            @Descriptor("cpu shares (default 256 = 0.25 cpus)") @Parameter(names = {"-c", "--cpu-shares"},
                    absentValue = "256") int cpuShares,
            @Descriptor("the image is user-provided (blackbox constraints)") @Parameter(names = {"-b", "--blackbox"},
                    presentValue = "true", absentValue = "false") boolean blackbox,
            @Descriptor("docker image, e.g. openwhisk/action-nodejs-v20") String image) throws Exception {
        ContainerRequest request = ContainerRequest.builder().name("gogo_" + System.currentTimeMillis())
                .image(image).memoryMb(memoryMb).cpuShares(cpuShares).userProvided(blackbox).invoker("gogo")
                .transactionId("gogo").build();
        WhiskContainer c = await(factory().createContainer(request));
        return info((MesosWhiskContainer) c);
    }

    @Descriptor("list the running action containers: whisk:list")
    public ContainerTable list() {
        List<ContainerInfo> rows = new ArrayList<>();
        factory().containers().forEach(c -> rows.add(info(c)));
        return new ContainerTable(rows);
    }

    @Descriptor("initialize a container with a JavaScript action: whisk:init [-m <main>] <id> <code>")
    public ActionReport init(
            @Descriptor("the function to call (default main)") @Parameter(names = {"-m", "--main"},
                    absentValue = "main") String main,
            @Descriptor("timeout in seconds (default 60)") @Parameter(names = {"-t", "--timeout"},
                    absentValue = "60") int timeoutSeconds,
            @Descriptor("container id (whisk:list)") String id,
            @Descriptor("the action's code, e.g. 'function main(p) { return {hello: p.name} }'; or an "
                    + "initializer JSON object") String code) throws Exception {
        String initializer = code.trim().startsWith("{") && Json.parse(code).map(j -> j.isJsonObject()).orElse(false)
                ? code : "{\"name\":\"gogo\",\"main\":" + Json.quote(main) + ",\"code\":" + Json.quote(code) + "}";
        return report(await(container(id).initialize(initializer, Duration.ofSeconds(timeoutSeconds), 1)));
    }

    @Descriptor("run the action once: whisk:run [-t <seconds>] <id> [<parameters JSON>]")
    public ActionReport run(
            @Descriptor("timeout in seconds (default 60)") @Parameter(names = {"-t", "--timeout"},
                    absentValue = "60") int timeoutSeconds,
            @Descriptor("container id (whisk:list)") String id,
            @Descriptor("parameters, a JSON object, e.g. '{\"name\":\"Ada\"}' (default {})") String... params)
            throws Exception {
        String json = params.length == 0 ? "{}" : String.join(" ", params);
        return report(await(container(id).run(json, Map.of(), Duration.ofSeconds(timeoutSeconds), 1,
                1024 * 1024, true)));
    }

    @Descriptor("the container's log lines since the last call: whisk:logs [-n <limit bytes>] [--nowait] <id>")
    public LogReport logs(
            @Descriptor("at most this many bytes (default 10240)") @Parameter(names = {"-n", "--limit"},
                    absentValue = "10240") long limit,
            @Descriptor("do not wait for the end-of-activation marker") @Parameter(names = {"--nowait"},
                    presentValue = "true", absentValue = "false") boolean noWait,
            @Descriptor("container id (whisk:list)") String id) throws Exception {
        return new LogReport(await(container(id).logs(limit, !noWait)));
    }

    @Descriptor("kill a container and wait for its end: whisk:destroy <id>")
    public EndReport destroy(@Descriptor("container id (whisk:list)") String id) throws Exception {
        MesosWhiskContainer c = container(id);
        await(c.destroy());
        return new EndReport(await(c.terminated()));
    }

    private static ContainerInfo info(MesosWhiskContainer c) {
        return new ContainerInfo(c.id(), c.image(), c.address().toString(), c.task().agentId(), c.sandbox());
    }

    private static ActionReport report(ActionResult r) {
        return new ActionReport(r.kind(), r.status().map(String::valueOf).orElse("-"), r.duration().toMillis(),
                r.body().orElse(""));
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        try {
            return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no answer within " + WAIT.toSeconds() + " s");
        }
    }

    /** One container: id, image, action proxy address, agent, sandbox URL. */
    public record ContainerInfo(String id, String image, String address, String agent, String sandbox)
            implements Printable {
        @Override
        public String toString() {
            return id + "  " + image + "  " + address + "\n  sandbox: " + sandbox;
        }
    }

    /** The containers of {@code whisk:list}. */
    public record ContainerTable(List<ContainerInfo> containers) implements Printable {
        @Override
        public String toString() {
            if (containers.isEmpty()) {
                return "no containers";
            }
            StringBuilder out = new StringBuilder(String.format("%-40s %-40s %s%n", "id", "image", "address"));
            containers.forEach(c -> out.append(String.format("%-40s %-40s %s%n", c.id(), c.image(), c.address())));
            return out.toString();
        }
    }

    /** An /init or /run: OpenWhisk's reading, the HTTP status, the time taken and the answer. */
    public record ActionReport(ActionResult.Kind kind, String status, long millis, String body) implements Printable {
        @Override
        public String toString() {
            return kind + " (HTTP " + status + ", " + millis + " ms) " + body;
        }
    }

    /** How a container ended. */
    public record EndReport(ContainerEnd end) implements Printable {
        @Override
        public String toString() {
            return end.containerId() + " ended " + end.state() + end.reason().map(r -> " (" + r + ")").orElse("")
                    + (end.message().isEmpty() ? "" : ": " + end.message())
                    + (end.destroyed() ? "" : " [not destroyed by us]");
        }
    }

    /** The log lines as {@code stream: text}, and whether they were cut or complete. */
    public record LogReport(LogResult result) implements Printable {
        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (String line : result.lines()) {
                var json = Json.parse(line).orElseThrow().getAsJsonObject();
                String text = json.get("log").getAsString();
                out.append(json.get("stream").getAsString()).append(": ")
                        .append(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text).append('\n');
            }
            if (result.lines().isEmpty()) {
                out.append("(no output)\n");
            }
            out.append(result.sentinelSeen() ? "(end of activation)" : "(no end-of-activation marker seen)");
            return out.toString();
        }
    }
}
