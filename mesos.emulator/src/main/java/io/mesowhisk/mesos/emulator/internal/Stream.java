package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One SUBSCRIBE response: a RecordIO stream of events in the negotiated encoding. Writes are queued and issued one
 * at a time (Jetty allows a single pending write; queued records are coalesced). Thread-safe.
 */
public final class Stream {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Stream.class);

    final String id;
    final boolean json;
    private final Response response;
    private final Callback callback;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean finishing;
    private boolean closed;
    private Runnable onClose;
    /** Reads the connection to notice a client that goes away; stopped before the last write. */
    private ConnectionWatch watch;
    /** Owned by the master loop. */
    ScheduledFuture<?> heartbeat;
    volatile boolean heartbeatsStopped;

    Stream(String id, boolean json, Response response, Callback callback) {
        this.id = id;
        this.json = json;
        this.response = response;
        this.callback = callback;
    }

    /**
     * {@code r} runs once when the stream ends for any reason (close, abort, client gone); at once when it has
     * already ended (the client left while its SUBSCRIBE waited for the master).
     */
    void onClose(Runnable r) {
        synchronized (this) {
            if (!closed) {
                this.onClose = r;
                return;
            }
        }
        r.run();
    }

    synchronized void watch(ConnectionWatch w) {
        this.watch = w;
    }

    public synchronized boolean isOpen() {
        return !closed && !finishing;
    }

    void send(Event event) {
        byte[] bytes = json ? MesosJson.writeBytes(event) : event.toByteArray();
        raw(RecordIo.frame(bytes));
    }

    /** Writes bytes as they are (fault injection: garbage, half a record). */
    void raw(ByteBuffer bytes) {
        synchronized (this) {
            if (closed || finishing) {
                return;
            }
            queue.add(bytes);
            if (writing) {
                return;
            }
            writing = true;
        }
        pump();
    }

    private void pump() {
        ByteBuffer next;
        boolean last;
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.isEmpty()) {
                writing = false;
                if (!finishing) {
                    return;
                }
                closed = true;
                next = ByteBuffer.allocate(0);
                last = true;
            } else {
                last = false;
                if (queue.size() == 1) {
                    next = queue.poll();
                } else {
                    int size = 0;
                    for (ByteBuffer b : queue) {
                        size += b.remaining();
                    }
                    next = ByteBuffer.allocate(size);
                    while (!queue.isEmpty()) {
                        next.put(queue.poll());
                    }
                    next.flip();
                }
            }
        }
        if (last) {
            ConnectionWatch w;
            synchronized (this) {
                w = watch;
            }
            if (w != null) {
                w.stop(); // Jetty reads the connection again once the response is complete
            }
            try {
                response.write(true, next, callback);
            } catch (RuntimeException e) {
                LOG.debug("Last write of stream {} after its connection failed", id, e);
            }
            runOnClose();
        } else {
            try {
                response.write(false, next, Callback.from(this::pump, this::fail));
            } catch (RuntimeException e) {
                // the connection failed between our check and the write (Jetty has already dropped the exchange)
                fail(e);
            }
        }
    }

    private void runOnClose() {
        Runnable r;
        synchronized (this) {
            r = onClose;
            onClose = null;
        }
        if (r != null) {
            r.run();
        }
    }

    /** The client went away or a write failed. */
    void fail(Throwable t) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        callback.failed(t);
        runOnClose();
    }

    /** Ends the stream cleanly after what is queued (as the master does on TEARDOWN or after an ERROR). */
    void close() {
        synchronized (this) {
            if (closed || finishing) {
                return;
            }
            finishing = true;
            if (writing) {
                return; // pump finishes after the queue drains
            }
            writing = true;
        }
        pump();
    }

    /** Breaks the connection without ending the chunked body (a network cut). */
    void abort(Throwable why) {
        fail(why);
    }
}
