package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.internal.Model.Framework;
import io.mesowhisk.mesos.emulator.internal.Model.Offer;
import io.mesowhisk.mesos.emulator.internal.Model.Task;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import io.mesowhisk.mesos.v1.Protos.TaskState;
import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framework subscriptions: SUBSCRIBE (new, resubscribed, failed over, refused), heartbeats, the disconnection
 * of a stream and its failover timeout, TEARDOWN and UPDATE_FRAMEWORK. Runs on the master loop only.
 */
final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private final Master master;

    Subscriptions(Master master) {
        this.master = master;
    }

    /**
     * Called on the master.loop with a stream whose 200 headers are already set. An HTTP framework's FrameworkInfo keeps
     * the principal it brings: unlike the driver path, M:src/master/master.cpp {@code subscribe(StreamingHttp…)}
     * does not fill in the authenticated one (so an authenticated framework without a principal is then refused
     * every other call with 400).
     */
    public void subscribe(Call call, Stream stream) {
        FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
        String error = Validation.validateFrameworkInfo(info, call.getSubscribe().getSuppressedRolesList());
        if (error != null) {
            refuse(stream, error);
            return;
        }
        String fid = info.hasId() ? info.getId().getValue() : "";
        Framework f;
        if (!fid.isEmpty() && master.completedFrameworks.containsKey(fid)) {
            refuse(stream, "Framework has been removed");
            return;
        }
        if (!fid.isEmpty() && master.frameworks.containsKey(fid)) {
            f = master.frameworks.get(fid);
            // user and checkpoint changes are ignored on resubscription, the principal must stay
            String changed = Validation.validateUpdate(f.info, info.toBuilder().setUser(f.info.getUser())
                .setCheckpoint(f.info.getCheckpoint()).build());
            if (changed != null) {
                refuse(stream, changed);
                return;
            }
            // failover: the old connection learns it was replaced
            if (f.stream != null && f.stream.isOpen()) {
                Stream old = f.stream;
                f.stream = null;
                cancelHeartbeat(old);
                old.send(Event.newBuilder().setType(Event.Type.ERROR)
                    .setError(Event.Error.newBuilder().setMessage("Framework failed over")).build());
                old.close();
            }
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
                f.failoverTimer = null;
            }
            // user and checkpoint changes are ignored on resubscription
            List<String> oldRoles = f.roles();
            f.info = info.toBuilder().setUser(f.info.getUser()).setCheckpoint(f.info.getCheckpoint())
                .setId(FrameworkID.newBuilder().setValue(fid)).build();
            for (Offer o : new ArrayList<>(f.offers.values())) {
                master.allocator.removeOffer(o, false); // discarded without RESCIND, regenerated later
            }
            master.allocator.updateRoles(f, oldRoles, call.getSubscribe().getSuppressedRolesList());
        } else {
            if (fid.isEmpty()) {
                fid = master.masterId + "-" + String.format("%04d", master.nextFrameworkId++);
            }
            f = new Framework(fid, info.toBuilder().setId(FrameworkID.newBuilder().setValue(fid)).build());
            master.frameworks.put(fid, f);
        }
        f.suppressed.clear();
        f.suppressed.addAll(call.getSubscribe().getSuppressedRolesList());
        f.connected = true;
        f.stream = stream;
        Framework subscribed = f;
        stream.onClose(() -> master.loop.execute(master.guard(() -> disconnected(subscribed, stream))));
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED)
            .setSubscribed(Event.Subscribed.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(fid))
                .setHeartbeatIntervalSeconds(master.config.heartbeatInterval().toNanos() / 1e9)
                .setMasterInfo(master.masterInfo()))
            .build());
        heartbeat(stream);
        long hb = master.config.heartbeatInterval().toNanos();
        stream.heartbeat = master.loop.scheduleAtFixedRate(master.guard(() -> heartbeat(stream)), hb, hb, TimeUnit.NANOSECONDS);
        master.updates.resumeStatusUpdates(f);
        master.loop.execute(master.guard(master.allocator::allocate));
    }

    void heartbeat(Stream stream) {
        if (!stream.heartbeatsStopped && stream.isOpen()) {
            stream.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
        }
    }

    void cancelHeartbeat(Stream s) {
        if (s.heartbeat != null) {
            s.heartbeat.cancel(false);
        }
    }

    void refuse(Stream stream, String message) {
        stream.send(Event.newBuilder().setType(Event.Type.ERROR)
            .setError(Event.Error.newBuilder().setMessage(message)).build());
        stream.close();
    }

    void disconnected(Framework f, Stream stream) {
        cancelHeartbeat(stream);
        if (f.stream != stream || f.removed) {
            return; // an old stream after failover, or already removed
        }
        f.stream = null;
        f.connected = false;
        for (Offer o : new ArrayList<>(f.offers.values())) {
            master.allocator.removeOffer(o, false);
        }
        f.filters.clear(); // a deactivated framework loses its filters (hierarchical.cpp deactivateFramework)
        long timeout = (long) (f.info.getFailoverTimeout() * 1e9);
        LOG.debug("Framework {} disconnected; failover timeout {} ns", f.id, timeout);
        f.failoverTimer = master.loop.schedule(master.guard(() -> {
            if (!f.connected && !f.removed) {
                removeFramework(f);
            }
        }), timeout, TimeUnit.NANOSECONDS);
    }

    void teardown(Framework f) {
        Stream s = f.stream;
        removeFramework(f);
        if (s != null) {
            cancelHeartbeat(s);
            s.close();
        }
    }

    /** TEARDOWN and failover-timeout removal: executors shut down, tasks KILLED in master state, no updates. */
    void removeFramework(Framework f) {
        f.removed = true;
        f.connected = false;
        if (f.failoverTimer != null) {
            f.failoverTimer.cancel(false);
        }
        for (Offer o : new ArrayList<>(f.offers.values())) {
            master.allocator.removeOffer(o, false);
        }
        for (Task t : new ArrayList<>(f.tasks.values())) {
            if (t.runtime != null) {
                t.runtime.destroy();
            }
            if (t.retry != null) {
                t.retry.cancel(false);
            }
            t.pending.clear();
            if (!Model.isTerminal(t.state)) {
                master.updates.setMasterState(t, TaskState.TASK_KILLED);
            }
            master.updates.forgetTask(t);
        }
        master.frameworks.remove(f.id);
        master.completedFrameworks.put(f.id, f);
        f.stream = null;
    }

    Master.Reply updateFramework(Framework f, Call.UpdateFramework update) {
        FrameworkInfo info = update.getFrameworkInfo();
        if (!info.getId().getValue().equals(f.id)) {
            return new Master.Reply(400, "'UpdateFramework' call is not valid: 'framework_id' differs from"
                + " 'update_framework.framework_info.id'");
        }
        String error = Validation.validateFrameworkInfo(info, List.of());
        if (error != null) {
            return new Master.Reply(400, "Supplied FrameworkInfo is not valid: " + error);
        }
        error = Validation.validateUpdate(f.info, info);
        if (error != null) {
            return new Master.Reply(400, "FrameworkInfo update is not valid: " + error);
        }
        List<String> roles = info.getCapabilitiesList().stream()
            .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.MULTI_ROLE)
            ? info.getRolesList() : List.of(info.getRole());
        error = Validation.validateSuppressedRoles(roles, update.getSuppressedRolesList());
        if (error != null) {
            return new Master.Reply(400, "'UpdateFramework' call is not valid: " + error);
        }
        List<String> oldRoles = f.roles();
        f.info = info;
        for (Offer o : new ArrayList<>(f.offers.values())) {
            if (!roles.contains(o.role)) {
                master.allocator.rescind(o);
            }
        }
        master.allocator.updateRoles(f, oldRoles, update.getSuppressedRolesList());
        f.suppressed.clear();
        f.suppressed.addAll(update.getSuppressedRolesList());
        return new Master.Reply(200, "");
    }
}
