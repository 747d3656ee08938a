package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes a running task as Mesos's executors' checkers do (docs/health-checks.md): TCP, HTTP and COMMAND checks with
 * their delay, interval, timeout, grace and consecutive failures. Failures in the grace period before the first
 * success do not count; the first success and every failure after it send a TASK_RUNNING with the health; too many
 * failures in a row kill the task as the executor's own kill (no policy of its own: TASK_KILLING when the framework
 * has TASK_KILLING_STATE, then the task's kill_policy grace or 3 s), and its terminal update says
 * {@code healthy=false}.
 *
 * <p>One checker serves both kinds of task that run something real: a command task's child process and a runtime
 * image's process (a docker task), which differ only in what the probe reaches (a container port is reached at the
 * host port it is mapped to), the COMMAND check's environment and when probing must stop. Probes run on the given
 * executor, everything else on the master loop.
 */
final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    /** What differs between the tasks a checker probes. */
    record Target(Executor probes, IntUnaryOperator portOf, Consumer<Map<String, String>> environment,
            BooleanSupplier alive, Runnable killedByHealth) {
    }

    private final Master master;
    private final TaskRunner runner;
    private final Task t;
    private final Target target;
    private final HealthCheck h;
    private final long startNanos = System.nanoTime();
    private int consecutiveFailures;
    private boolean everHealthy;

    HealthChecker(Master master, TaskRunner runner, Task t, Target target) {
        this.master = master;
        this.runner = runner;
        this.t = t;
        this.target = target;
        this.h = t.info.getHealthCheck();
    }

    /** On the master loop, once the task is RUNNING: the first probe after the check's delay. */
    void start() {
        master.schedule(this::probe, (long) (h.getDelaySeconds() * 1e9));
    }

    private boolean probing() {
        return t.agentState == TaskState.TASK_RUNNING && t.life.startedUnkilled() && target.alive().getAsBoolean();
    }

    private void probe() {
        if (!probing()) {
            return;
        }
        long timeoutMs = Math.max(1, (long) (h.getTimeoutSeconds() * 1000));
        try {
            target.probes().execute(() -> {
                boolean ok;
                try {
                    ok = HealthProbe.probe(h, master.config.host(), target.portOf(), t.sandbox, target.environment(),
                        timeoutMs);
                } catch (Exception e) {
                    ok = false;
                }
                boolean result = ok;
                try {
                    master.loop.execute(master.guard(() -> result(result)));
                } catch (RejectedExecutionException e) {
                    // the emulator has stopped
                }
            });
        } catch (RejectedExecutionException e) {
            // the emulator is closing
        }
    }

    private void result(boolean ok) {
        if (!probing()) {
            return;
        }
        boolean inGrace = !everHealthy
            && System.nanoTime() - startNanos < (long) (h.getGracePeriodSeconds() * 1e9);
        if (ok) {
            consecutiveFailures = 0;
            if (!Boolean.TRUE.equals(t.healthy)) {
                everHealthy = true;
                t.healthy = true;
                master.updates.agentUpdate(t, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR,
                    Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, null, null);
            }
        } else if (!inGrace) {
            consecutiveFailures++;
            t.healthy = false;
            master.updates.agentUpdate(t, TaskState.TASK_RUNNING, Source.SOURCE_EXECUTOR,
                Reason.REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, null, null);
            if (consecutiveFailures >= h.getConsecutiveFailures()) {
                LOG.warn("Task {}: {} failed health checks in a row: killing it", t.id(), consecutiveFailures);
                target.killedByHealth().run();
                runner.kill(t, null);
                return;
            }
        }
        master.schedule(this::probe, (long) (h.getIntervalSeconds() * 1e9));
    }
}
