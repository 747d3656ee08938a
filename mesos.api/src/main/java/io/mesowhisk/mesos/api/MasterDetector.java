package io.mesowhisk.mesos.api;

import java.net.URI;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Tells the client which masters to try. The default detector returns the configured {@code http(s)} URLs; a
 * ZooKeeper detector (for {@code zk://} master URLs, leader read through Apache Curator) can implement this later
 * and be passed with {@link MesosClientConfig.Builder#masterDetector(MasterDetector)}.
 *
 * <p>Called from a client thread before every subscription attempt (never concurrently for one subscription); it
 * may block briefly. The client itself follows 307 redirects to the leading master and tries the returned masters
 * in turn, so a detector may return all masters, the leader first if it knows it.
 */
@ConsumerType
public interface MasterDetector {

    /**
     * The base URLs of masters to try, in order, e.g. {@code http://m1:5050}; never empty.
     *
     * @throws MesosException if no master can be named now (the attempt fails and is retried with backoff)
     */
    List<URI> masters();
}
