package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Reason;
import io.mesowhisk.mesos.v1.Protos.TaskStatus.Source;

/**
 * The agents' containerizers: command tasks run as real child processes in a Mesos-style sandbox;

/**
 * Probes a command task as the command executor's checker does (docs/health-checks.md): TCP, HTTP and COMMAND
 * checks with their delay, interval, timeout, grace and consecutive failures; too many failures kill the task as a
 * KILL without a policy would. Probes run on the runner's probe threads, everything else on the master loop.
 */
final class HealthChecker {
    private final Master master;
    private final TaskRunner runner;
    private final Task t;
    /** Marks the task's process as killed for failed health (its terminal update then says so). */
    private final Runnable killedByHealth;
    private final HealthCheck h;
    private final long startNanos = System.nanoTime();
    private int consecutiveFailures;
    private boolean everHealthy;

    HealthChecker(Master master, TaskRunner runner, Task t, Runnable killedByHealth) {
        this.master = master;
        this.runner = runner;
        this.t = t;
        this.killedByHealth = killedByHealth;
        this.h = t.info.getHealthCheck();
    }

    void start() {
        master.schedule(this::probe, (long) (h.getDelaySeconds() * 1e9));
    }

    private void probe() {
        if (t.agentState != TaskState.TASK_RUNNING || !t.life.startedUnkilled()) {
            return;
        }
        long timeoutMs = Math.max(1, (long) (h.getTimeoutSeconds() * 1000));
        runner.probes.execute(() -> {
            boolean ok;
            try {
                ok = check(timeoutMs);
            } catch (Exception e) {
                ok = false;
            }
            boolean result = ok;
            master.loop.execute(master.guard(() -> result(result)));
        });
    }

    private boolean check(long timeoutMs) throws Exception {
        return HealthProbe.probe(h, master.config.host(), port -> port, t.sandbox,
            env -> runner.environment(t, h.getCommand(), env), timeoutMs);
    }

    private void result(boolean ok) {
        if (t.agentState != TaskState.TASK_RUNNING || !t.life.startedUnkilled()) {
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
                // the executor's own kill, without a policy of its own: TASK_KILLING when the framework
                // has TASK_KILLING_STATE, the task's kill_policy grace or 3 s
                killedByHealth.run();
                runner.kill(t, null);
                return;
            }
        }
        master.schedule(this::probe, (long) (h.getIntervalSeconds() * 1e9));
    }
}
