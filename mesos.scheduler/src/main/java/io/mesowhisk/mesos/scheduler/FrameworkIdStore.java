package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import java.util.Optional;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Keeps the framework id between runs of the process, so a restarted scheduler fails over to its old framework
 * (and finds its running tasks again) instead of registering a new one.
 *
 * <p>The scheduler calls {@link #load()} once before its first SUBSCRIBE, {@link #save} whenever the master
 * assigns or confirms an id, and {@link #clear()} after a TEARDOWN or when the master says the framework was
 * removed. Calls come from the scheduler's event loop, one at a time; an implementation may block briefly (a file
 * write) but should not wait on the network for long. A {@code save} or {@code clear} that throws is logged and
 * retried at the next subscription; a {@code load} that throws fails the start of the scheduler.
 *
 * <p>Implement it for a shared store (e.g. ZooKeeper) in a highly available deployment; the default is
 * {@link FileFrameworkIdStore}. In OSGi, a {@code FrameworkIdStore} service replaces the default.
 */
@ConsumerType
public interface FrameworkIdStore {

    /** The stored id, or empty if none was stored (a new framework will be registered). */
    Optional<FrameworkID> load();

    /** Stores {@code id}, replacing any earlier one. */
    void save(FrameworkID id);

    /** Forgets the stored id. */
    void clear();

    /** A store that keeps the id in memory only (lost when the process ends): for tests and throw-away frameworks. */
    static FrameworkIdStore inMemory() {
        return new FrameworkIdStore() {
            private volatile FrameworkID id;

            @Override
            public Optional<FrameworkID> load() {
                return Optional.ofNullable(id);
            }

            @Override
            public void save(FrameworkID newId) {
                id = newId;
            }

            @Override
            public void clear() {
                id = null;
            }

            @Override
            public String toString() {
                return "in-memory framework id store";
            }
        };
    }
}
