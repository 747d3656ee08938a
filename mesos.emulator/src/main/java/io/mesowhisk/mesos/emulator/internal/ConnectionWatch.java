package io.mesowhisk.mesos.emulator.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Keeps reading the connection of a SUBSCRIBE stream, as libprocess reads every connection, so that a client that
 * closes it is noticed at once rather than at the next write (up to a heartbeat later). Jetty reads a connection only
 * while it parses a request, and a stream's request stays in progress for as long as the stream lives.
 *
 * <p>Bytes the client sends meanwhile (requests pipelined behind the SUBSCRIBE) are read and dropped: Jetty would
 * answer them only after the stream ended. End of input or a read error fails the stream.
 *
 * <p>Threading: the read callback runs on Jetty's selector thread and does not block; {@link #stop()} may be called
 * from any thread and must be called before the stream's last write, because Jetty refuses to complete a response
 * while someone else waits to read its connection.
 */
final class ConnectionWatch implements Callback {

    private final AbstractEndPoint endPoint;
    private final Stream stream;
    private final ByteBuffer sink = ByteBuffer.allocate(4096);
    private boolean stopped;

    private ConnectionWatch(AbstractEndPoint endPoint, Stream stream) {
        this.endPoint = endPoint;
        this.stream = stream;
    }

    /** Starts watching {@code endPoint} for {@code stream}; a no-op for transports other than a plain socket. */
    static void start(EndPoint endPoint, Stream stream) {
        if (endPoint instanceof AbstractEndPoint e) {
            ConnectionWatch watch = new ConnectionWatch(e, stream);
            stream.watch(watch);
            watch.arm();
        }
    }

    private synchronized void arm() {
        if (!stopped && !endPoint.tryFillInterested(this)) {
            stopped = true; // someone else reads this connection: nothing to watch
        }
    }

    /** Stops reading; after this, Jetty may read the connection again (the next request on it). */
    void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        // our read interest may still be registered: fire it now, so that it is gone (succeeded() sees stopped)
        endPoint.getFillInterest().fillable();
    }

    @Override
    public void succeeded() {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        int read;
        int rounds = 0;
        try {
            do {
                BufferUtil.clear(sink); // Jetty's fill appends after the limit
                read = endPoint.fill(sink);
            } while (read > 0 && ++rounds < 16); // a flood of bytes waits for its next turn
        } catch (java.io.IOException e) {
            stream.fail(e);
            return;
        }
        if (read < 0) {
            stream.fail(new EofException("the client closed the connection"));
            return;
        }
        arm();
    }

    @Override
    public void failed(Throwable x) {
        synchronized (this) {
            if (stopped) {
                return;
            }
        }
        stream.fail(x);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
