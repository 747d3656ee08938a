package io.mesowhisk.whisk.internal;

import io.mesowhisk.mesos.scheduler.LaunchException;
import io.mesowhisk.mesos.scheduler.LaunchRequest;
import io.mesowhisk.mesos.scheduler.LaunchedTask;
import io.mesowhisk.mesos.scheduler.MesosScheduler;
import io.mesowhisk.mesos.scheduler.SchedulerStatus;
import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.ContainerException;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.WhiskContainer;
import io.mesowhisk.whisk.WhiskContainerFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenWhisk's container factory over one {@link MesosScheduler}: each container is a Mesos task built by
 * {@link TaskBuilder} from the settings in force at the time ({@link FactoryView}, read once per creation), so a
 * live change of constraints, health check, timeouts or retries applies to containers created later and never
 * touches running ones.
 *
 * <p>Task ids are {@code whisk-<invoker>-<start epoch s>-<counter>}. A docker pull or run failure is retried with a
 * new task id up to {@code docker-failure-retries} times; no capacity is {@link ContainerException.Kind#CLUSTER_RESOURCES}
 * and never retried. Plain Java: the OSGi component creates it; tests build it over an emulator. Thread-safe.
 */
final class MesosContainerFactory implements WhiskContainerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(MesosContainerFactory.class);

    private final MesosScheduler scheduler;
    private final Supplier<FactoryView> view;
    private final HttpClient http;
    private final Duration logIdleWait;
    private final long startEpochSecond = Instant.now().getEpochSecond();
    private final AtomicLong counter = new AtomicLong();
    private final Map<String, MesosWhiskContainer> containers = new ConcurrentHashMap<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * @param logIdleWait how long {@code logs(…, waitForSentinel)} waits without new output (OpenWhisk waits 2 s)
     */
    MesosContainerFactory(MesosScheduler scheduler, Supplier<FactoryView> view, HttpClient http,
            Duration logIdleWait) {
        this.scheduler = scheduler;
        this.view = view;
        this.http = http;
        this.logIdleWait = logIdleWait;
    }

    /** An HTTP client for action proxies and agents: HTTP/1.1, as the action proxies speak it. */
    static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The scheduler underneath (for operator views). */
    MesosScheduler scheduler() {
        return scheduler;
    }

    /** The containers alive now, oldest first. */
    List<MesosWhiskContainer> containers() {
        List<MesosWhiskContainer> list = new ArrayList<>(containers.values());
        list.sort(java.util.Comparator.comparing(MesosWhiskContainer::created));
        return list;
    }

    /** A container of this factory by id. */
    Optional<MesosWhiskContainer> container(String id) {
        return Optional.ofNullable(containers.get(id));
    }

    String nextTaskId(String invoker) {
        return "whisk-" + invoker + "-" + startEpochSecond + "-" + counter.incrementAndGet();
    }

    @Override
    public void init() {
        // the scheduler subscribed when it was built: nothing more to do, as with OpenWhisk's Mesos factory
    }

    @Override
    public CompletionStage<WhiskContainer> createContainer(ContainerRequest request) {
        CompletableFuture<WhiskContainer> result = new CompletableFuture<>();
        attempt(request, 0, result);
        return result;
    }

    private void attempt(ContainerRequest request, int retry, CompletableFuture<WhiskContainer> result) {
        if (stopped.get()) {
            result.completeExceptionally(new ContainerException(ContainerException.Kind.STOPPED,
                    "the container factory was cleaned up: no container for " + request.name()));
            return;
        }
        FactoryView v = view.get();
        String taskId = nextTaskId(request.invoker());
        LaunchRequest launch;
        try {
            launch = TaskBuilder.build(request, taskId, v.settings(), v.constraints());
        } catch (IllegalArgumentException e) {
            result.completeExceptionally(new ContainerException(startupKind(request),
                    "cannot build a Mesos task for " + request + ": " + e.getMessage(), e));
            return;
        }
        LOG.debug("launching {} for {} (transaction {})", taskId, request.name(), request.transactionId());
        scheduler.launch(launch).whenComplete((task, failure) -> {
            if (failure == null) {
                started(request, task, result);
                return;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof LaunchException e) {
                boolean docker = e.kind() == LaunchException.Kind.DOCKER_PULL_FAILED
                        || e.kind() == LaunchException.Kind.DOCKER_RUN_FAILED;
                int retries = view.get().settings().dockerFailureRetries();
                if (docker && retry < retries) {
                    LOG.warn("container {} for {}: {} ({}); retry {} of {} with a new task id", taskId,
                            request.image(), e.kind(), e.getMessage(), retry + 1, retries);
                    attempt(request, retry + 1, result);
                    return;
                }
                result.completeExceptionally(translate(request, e, docker ? retry + 1 : 1));
            } else {
                result.completeExceptionally(new ContainerException(startupKind(request),
                        "container " + taskId + " for " + request.image() + " did not start: " + cause, cause));
            }
        });
    }

    private void started(ContainerRequest request, LaunchedTask task, CompletableFuture<WhiskContainer> result) {
        MesosWhiskContainer container;
        try {
            container = new MesosWhiskContainer(task, request.image(), scheduler, view, http, logIdleWait,
                    this::forget);
        } catch (RuntimeException e) {
            scheduler.kill(task.taskId());
            result.completeExceptionally(new ContainerException(startupKind(request), e.getMessage(), e));
            return;
        }
        containers.put(container.id(), container);
        if (container.isOver()) { // it ended before it was listed: forget() found nothing to remove
            containers.remove(container.id());
        }
        if (stopped.get()) { // cleaned up while it launched
            container.destroy();
            result.completeExceptionally(new ContainerException(ContainerException.Kind.STOPPED,
                    "the container factory was cleaned up while " + task.taskId() + " started"));
            return;
        }
        LOG.info("container {} running for {} at {}", task.taskId(), request.image(), container.address());
        result.complete(container);
    }

    /**
     * A container's end, heard before its {@code terminated()} completes: so whoever waits for that (the invoker,
     * {@code whisk:destroy}) already finds it gone from {@link #containers()}.
     */
    private void forget(ContainerEnd end) {
        containers.remove(end.containerId());
        if (end.destroyed()) {
            return;
        }
        SchedulerStatus.State state = scheduler.status().state();
        if (state == SchedulerStatus.State.STOPPING || state == SchedulerStatus.State.STOPPED) {
            LOG.info("container {} is no longer ours to follow: {}", end.containerId(), end.message());
        } else {
            LOG.warn("container {} ended by itself: {} {} {}", end.containerId(), end.state(),
                    end.reason().orElse(""), end.message());
        }
    }

    private static ContainerException translate(ContainerRequest request, LaunchException e, int attempts) {
        String what = "container " + e.taskId() + " for " + request.image();
        return switch (e.kind()) {
            case NO_CAPACITY -> new ContainerException(ContainerException.Kind.CLUSTER_RESOURCES,
                    "no capacity for " + what + ": " + e.getMessage(), e);
            case STOPPED -> new ContainerException(ContainerException.Kind.STOPPED, what + ": " + e.getMessage(), e);
            case DOCKER_PULL_FAILED, DOCKER_RUN_FAILED -> new ContainerException(startupKind(request),
                    what + " failed after " + attempts + " attempt(s) (docker-failure-retries): " + e.getMessage(), e);
            default -> new ContainerException(startupKind(request), what + " did not start (" + e.kind() + "): "
                    + e.getMessage(), e);
        };
    }

    private static ContainerException.Kind startupKind(ContainerRequest request) {
        return request.userProvided() ? ContainerException.Kind.BLACKBOX_STARTUP
                : ContainerException.Kind.WHISK_STARTUP;
    }

    /**
     * Blocks: with {@code teardown-on-exit}, stops the scheduler, which tears the framework down (Mesos kills every
     * task); otherwise kills every container of this factory and waits for the ends, then closes the subscription.
     * Bounded by {@code timeouts.teardown}. Idempotent.
     */
    @Override
    public void cleanup() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        FactoryView v = view.get();
        Duration bound = v.settings().timeouts().teardown();
        long deadline = System.nanoTime() + bound.toNanos();
        Collection<MesosWhiskContainer> alive = List.copyOf(containers.values());
        try {
            if (!v.settings().teardownOnExit()) {
                List<CompletableFuture<?>> ends = new ArrayList<>();
                for (MesosWhiskContainer c : alive) {
                    ends.add(c.destroy().toCompletableFuture().exceptionally(e -> null));
                }
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                        .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            scheduler.stop().toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            LOG.info("container factory cleaned up ({}, {} container(s))", v.settings().teardownOnExit()
                    ? "framework torn down" : "containers killed", alive.size());
        } catch (TimeoutException e) {
            LOG.warn("container factory cleanup not confirmed within {} (timeouts.teardown); still alive: {}",
                    SettingsParser.formatDuration(bound), containers.keySet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("container factory cleanup failed: {}", e.getCause().toString());
        }
        if (v.settings().teardownOnExit()) {
            // the framework is gone: whatever Mesos still reports, these containers are over for us
            containers.values().forEach(c -> c.abandoned("the framework was torn down"));
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
