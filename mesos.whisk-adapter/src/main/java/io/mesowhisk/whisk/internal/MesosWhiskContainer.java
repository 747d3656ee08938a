package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.TaskEnd;
import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ContainerAddress;
import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.LogResult;
import io.mesowhisk.whisk.WhiskContainer;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One action container: a running Mesos task with its action proxy on the host port mapped to 8080. Hears of its
 * task's end the moment the scheduler does, and tells its owner ({@code onEnd}) before anyone else: whoever waits
 * for {@link #terminated()} or {@link #destroy()} finds the owner's bookkeeping done (e.g. the container gone from
 * the factory's list). Thread-safe.
 */
final class MesosWhiskContainer implements WhiskContainer {

    private final LaunchedTask task;
    private final MesosScheduler scheduler;
    private final Supplier<FactoryView> view;
    private final ContainerAddress address;
    private final ActionProxyClient proxy;
    private final SandboxLogReader logs;
    private final Instant created = Instant.now();
    private final String image;
    private final CompletableFuture<ContainerEnd> terminated = new CompletableFuture<>();
    private final Consumer<ContainerEnd> onEnd;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean destroying;

    /**
     * @param onEnd called once with the container's end, before {@link #terminated()} completes; must not block
     */
    MesosWhiskContainer(LaunchedTask task, String image, MesosScheduler scheduler, Supplier<FactoryView> view,
            HttpClient http, Duration logIdleWait, Consumer<ContainerEnd> onEnd) {
        this.task = task;
        this.onEnd = onEnd;
        this.image = image;
        this.scheduler = scheduler;
        this.view = view;
        if (task.hostPorts().isEmpty()) {
            throw new IllegalStateException("task " + task.taskId() + " runs without a host port for 8080");
        }
        this.address = new ContainerAddress(task.hostname(), task.hostPorts().get(0));
        this.proxy = new ActionProxyClient(http, address);
        this.logs = new SandboxLogReader(http, task.agentUrl(), task.frameworkId(), task.executorId(), logIdleWait);
        // not on the scheduler's event loop: the owner's reaction must not hold up Mesos events
        task.ended().thenAcceptAsync(this::ended);
    }

    private void ended(TaskEnd end) {
        end(new ContainerEnd(task.taskId(), end.state().name(), end.reason().map(Enum::name), end.message(),
                destroying || end.killedByUs()));
    }

    /** The one place an end is applied: the owner first, then everyone waiting on {@link #terminated()}. */
    private void end(ContainerEnd end) {
        if (ended.compareAndSet(false, true)) {
            onEnd.accept(end);
            terminated.complete(end);
        }
    }

    /** Whether the end is known (the owner has been told or is being told). */
    boolean isOver() {
        return ended.get();
    }

    @Override
    public String id() {
        return task.taskId();
    }

    @Override
    public ContainerAddress address() {
        return address;
    }

    /** The Mesos task behind it. */
    LaunchedTask task() {
        return task;
    }

    /** The image it runs. */
    String image() {
        return image;
    }

    /** When it became RUNNING for us. */
    Instant created() {
        return created;
    }

    /** The sandbox directory on the agent, as its {@code /files} knows it. */
    String sandbox() {
        return task.agentUrl() + "/files/browse?path=" + logs.directory();
    }

    @Override
    public CompletionStage<ActionResult> initialize(String initializerJson, Duration timeout, int maxConcurrent) {
        proxy.maxConcurrent(maxConcurrent);
        return proxy.init(initializerJson, timeout);
    }

    @Override
    public CompletionStage<ActionResult> run(String paramsJson, Map<String, String> environmentJson, Duration timeout,
            int maxConcurrent, long maxResponseBytes, boolean truncation) {
        proxy.maxConcurrent(maxConcurrent);
        return proxy.run(paramsJson, environmentJson, timeout, maxResponseBytes, truncation);
    }

    @Override
    public CompletionStage<LogResult> logs(long limitBytes, boolean waitForSentinel) {
        FactoryView v = view.get();
        if (v.settings().mesosLinkLogMessage()) {
            return CompletableFuture.completedFuture(new LogResult(List.of(SandboxLogReader.logLine("stdout",
                    linkMessage(task.taskId(), v.publicUrl()))), false, false));
        }
        return logs.read(limitBytes, waitForSentinel, terminated::isDone);
    }

    /** The old factory's message, word for word, when logs are not collected. */
    static String linkMessage(String taskId, String publicUrl) {
        return "Logs are not collected from Mesos containers currently. You can browse the logs for Mesos Task ID "
                + taskId + " using the mesos UI at " + publicUrl;
    }

    @Override
    public CompletionStage<Void> suspend() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> resume() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> destroy() {
        destroying = true;
        Duration bound = view.get().settings().timeouts().taskDelete();
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.kill(task.taskId());
        terminated.thenRun(() -> done.complete(null));
        CompletableFuture.delayedExecutor(bound.toNanos(), TimeUnit.NANOSECONDS).execute(() ->
                done.completeExceptionally(new TimeoutException("the kill of container " + task.taskId()
                        + " was not confirmed by Mesos within " + SettingsParser.formatDuration(bound)
                        + " (timeouts.task-delete); the scheduler goes on killing it")));
        return done;
    }

    @Override
    public CompletionStage<ContainerEnd> terminated() {
        return terminated.copy();
    }

    /** Completes {@link #terminated()} when the scheduler has stopped for good without telling of the task's end. */
    void abandoned(String why) {
        end(new ContainerEnd(task.taskId(), "TASK_UNKNOWN", java.util.Optional.empty(), why, true));
    }

    @Override
    public String toString() {
        return "container " + task.taskId() + " (" + image + ") at " + address;
    }
}
