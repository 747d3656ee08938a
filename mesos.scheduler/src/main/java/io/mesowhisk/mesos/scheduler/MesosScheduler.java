package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.api.MesosClient;
import io.mesowhisk.mesos.api.MesosClientConfig;
import io.mesowhisk.mesos.constraints.PlacementEngine;
import io.mesowhisk.mesos.scheduler.internal.SchedulerEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The framework engine: one Mesos framework that subscribes to the leading master, stays subscribed (resubscribing
 * with the same framework id after stream loss, heartbeat loss, a leader change or an ERROR event, with jittered
 * exponential backoff), matches offers to pending launches, and follows every task to its end.
 *
 * <p><b>For whom.</b> Anyone who runs tasks on Mesos from the JVM: build one with {@link #builder()} in plain Java,
 * or get one from the {@link MesosSchedulerFactory} service in OSGi.
 *
 * <p><b>Threading.</b> Thread-safe. One serial event loop (a single thread per scheduler) owns all state: Mesos
 * events, timers and the calls of this interface are queued to it and applied one at a time, in arrival order.
 * Every method returns at once; the work completes later through the returned stage. Stages complete on the event
 * loop thread: dependent actions that block or take long must use the {@code ...Async} variants with their own
 * executor. No lock is held while the scheduler calls out (to Mesos, to the {@link FrameworkIdStore}, or to
 * stages' dependents). Views ({@link #status()}, {@link #tasks()}, ...) read a snapshot and never wait for the loop.
 *
 * <p><b>Failure modes.</b> {@link #launch} fails with {@link LaunchException} whose {@link LaunchException.Kind}
 * says why; {@link #kill} never fails for an unknown task (it answers with a terminal {@link TaskEnd} for it once
 * Mesos does); after {@link #stop()}, launches fail with {@link LaunchException.Kind#STOPPED}. A subscription the
 * master refuses for good (HTTP 4xx such as 401) is retried with backoff and logged; {@link #status()} shows it.
 */
@ProviderType
public interface MesosScheduler extends AutoCloseable {

    /** A builder for plain Java use. */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a task for launch. It waits for an offer that fits (or takes a held offer at once), is launched, and
     * the stage completes when Mesos reports it RUNNING (and healthy, if it has a health check), with where it runs.
     *
     * @return completes with the running task, or exceptionally with {@link LaunchException}
     *     (NO_CAPACITY, DOCKER_PULL_FAILED, DOCKER_RUN_FAILED, LAUNCH_FAILED, KILLED, LOST, TIMED_OUT, STOPPED),
     *     or with {@link IllegalArgumentException} if a task with the same id is already known
     */
    CompletionStage<LaunchedTask> launch(LaunchRequest request);

    /**
     * Kills a task in any phase: a pending task is dropped at once (its launch fails KILLED, and the stage
     * completes with TASK_KILLED); a launching task is killed as soon as its agent is known; a staging, starting or
     * running task gets KILL with its kill grace, repeated every {@link SchedulerSettings#killRetryInterval()}
     * until a terminal update arrives. A task the scheduler does not know is killed at Mesos too (it may be an
     * orphan); its stage completes with what Mesos answers.
     *
     * @return completes with how the task ended, never exceptionally (after a stop without teardown it completes
     *     with TASK_UNKNOWN and the message saying the scheduler stopped)
     */
    CompletionStage<TaskEnd> kill(String taskId);

    /**
     * The end of a task this scheduler knows: one it launched, one it adopted from an earlier incarnation of the
     * framework ({@link SchedulerSettings#adoptOrphans()}: no {@link LaunchedTask} describes those), or one that
     * ended a short while ago. Waits for nothing and changes nothing.
     *
     * @return completes as {@link LaunchedTask#ended()} does, or fails with {@link java.util.NoSuchElementException}
     *     for a task id the scheduler does not know (never had, or ended long ago)
     */
    CompletionStage<TaskEnd> ended(String taskId);

    /**
     * Applies new settings. When the masters, credentials, encoding or framework settings changed, the scheduler
     * resubscribes with the same framework id (a new client for new client settings) and keeps every task;
     * otherwise only the scheduler settings change.
     *
     * @return completes when the new settings are in force (not waiting for the new subscription)
     */
    CompletionStage<Void> reconfigure(MesosClientConfig client, FrameworkSettings framework,
            SchedulerSettings settings);

    /**
     * Stops: held offers are declined; pending launches fail STOPPED; then, if
     * {@link SchedulerSettings#teardownOnStop()}, TEARDOWN (Mesos kills every task, the stored framework id is
     * cleared), otherwise the stream is closed and running tasks are left for a failover within the framework's
     * failover timeout. Idempotent.
     *
     * @return completes when stopped
     */
    CompletionStage<Void> stop();

    /** The subscription state, framework id, leader, last heartbeat and tasks per phase. */
    SchedulerStatus status();

    /** Every known task (terminal ones for a short while). */
    List<TaskView> tasks();

    /** Offers held for quick launches. */
    List<HeldOffer> heldOffers();

    /** Agents seen in offers. */
    List<AgentView> agents();

    /** Counters and latency histograms. */
    SchedulerMetrics metrics();

    /**
     * {@link #stop()} and wait for it, at most {@link SchedulerSettings#stopTimeout()}. Called on the scheduler's own
     * thread (from a stage's dependent), it stops without waiting.
     */
    @Override
    void close();

    /**
     * Builds and starts a scheduler for plain Java use. Required: {@link #client} (or {@link #mesosClient}) and
     * {@link #framework}. {@link #build()} validates at once and names what is missing. Not thread-safe.
     */
    final class Builder {
        MesosClientConfig clientConfig;
        MesosClient client;
        FrameworkSettings framework;
        SchedulerSettings settings = SchedulerSettings.DEFAULTS;
        FrameworkIdStore idStore;
        PlacementEngine placementEngine;
        String name;

        Builder() {
        }

        /** The masters and client settings; the scheduler creates and owns its {@link MesosClient}. */
        public Builder client(MesosClientConfig config) {
            this.clientConfig = Objects.requireNonNull(config, "client config");
            this.client = null;
            return this;
        }

        /** A client to share; the scheduler does not close it. {@link #reconfigure} then needs the same config. */
        public Builder mesosClient(MesosClient shared) {
            this.client = Objects.requireNonNull(shared, "client");
            this.clientConfig = null;
            return this;
        }

        /** What the framework tells Mesos about itself. */
        public Builder framework(FrameworkSettings value) {
            this.framework = Objects.requireNonNull(value, "framework");
            return this;
        }

        /** Behaviour settings; default {@link SchedulerSettings#DEFAULTS}. */
        public Builder settings(SchedulerSettings value) {
            this.settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** Where the framework id is kept between runs; default: memory only (a restart registers anew). */
        public Builder idStore(FrameworkIdStore store) {
            this.idStore = Objects.requireNonNull(store, "idStore");
            return this;
        }

        /** Keep the framework id in this file ({@link FileFrameworkIdStore}). */
        public Builder idFile(Path file) {
            return idStore(new FileFrameworkIdStore(file));
        }

        /**
         * The placement engine; default: the {@code mesos.constraints} bundle's engine when it is on the class path.
         */
        public Builder placementEngine(PlacementEngine engine) {
            this.placementEngine = Objects.requireNonNull(engine, "placementEngine");
            return this;
        }

        /** A name for logs and the event loop thread; default: the framework name. */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Validates and starts the scheduler: it loads the framework id and subscribes at once.
         *
         * @throws IllegalArgumentException naming what is missing
         * @throws RuntimeException if the id store cannot be read
         */
        public MesosScheduler build() {
            return SchedulerEngine.start(this);
        }

        /** The client config, if one was given. */
        public MesosClientConfig clientConfig() {
            return clientConfig;
        }

        /** The shared client, if one was given. */
        public MesosClient mesosClient() {
            return client;
        }

        /** The framework settings. */
        public FrameworkSettings framework() {
            return framework;
        }

        /** The scheduler settings. */
        public SchedulerSettings settings() {
            return settings;
        }

        /** The id store, or null for the default. */
        public FrameworkIdStore idStore() {
            return idStore;
        }

        /** The placement engine, or null for the default. */
        public PlacementEngine placementEngine() {
            return placementEngine;
        }

        /** The name, or null for the default. */
        public String name() {
            return name;
        }
    }
}
