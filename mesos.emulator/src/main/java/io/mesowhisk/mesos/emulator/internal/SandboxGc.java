package io.mesowhisk.mesos.emulator.internal;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents' garbage collector (M:src/slave/gc.cpp, flag {@code --gc_delay}): a forgotten task's run directory is
 * deleted a fixed delay later, then its {@code runs/latest} link and the executor directory if nothing else is left
 * there. The queue and timer belong to the master loop; deletions run on the agents' disk thread, the thread that
 * creates sandboxes, so a new run of the same executor id is never deleted half made.
 */
final class SandboxGc {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxGc.class);

    private record Entry(long atNanos, Path run) {
    }

    private final Master master;
    private final long delayNanos;
    private final ArrayDeque<Entry> due = new ArrayDeque<>();
    private boolean armed;

    SandboxGc(Master master, long delayNanos) {
        this.master = master;
        this.delayNanos = delayNanos;
    }

    /** On the loop: {@code run} is deleted {@code delay} from now (the delay is fixed, so the queue stays in order). */
    void schedule(Path run) {
        due.add(new Entry(System.nanoTime() + delayNanos, run));
        arm();
    }

    private void arm() {
        if (!armed && !due.isEmpty()) {
            armed = true;
            master.schedule(this::collect, due.peek().atNanos() - System.nanoTime());
        }
    }

    private void collect() {
        armed = false;
        long now = System.nanoTime();
        List<Path> batch = new ArrayList<>();
        while (!due.isEmpty() && due.peek().atNanos() - now <= 0) {
            batch.add(due.poll().run());
        }
        if (!batch.isEmpty()) {
            master.runner.onDiskThread(() -> batch.forEach(SandboxGc::delete));
        }
        arm();
    }

    private static void delete(Path run) {
        try {
            if (Files.exists(run)) {
                try (Stream<Path> walk = Files.walk(run)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            Path runs = run.getParent();
            Path latest = runs.resolve("latest");
            if (Files.isSymbolicLink(latest) && Files.readSymbolicLink(latest).equals(run.getFileName())) {
                Files.deleteIfExists(latest);
            }
            Files.deleteIfExists(runs);
            Files.deleteIfExists(runs.getParent());
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // another run of the same executor lives there, or it is gone already
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not garbage-collect sandbox {}: {}", run, e.toString());
        }
    }
}
