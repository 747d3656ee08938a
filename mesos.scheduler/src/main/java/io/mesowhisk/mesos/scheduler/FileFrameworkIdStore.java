package io.mesowhisk.mesos.scheduler;

import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link FrameworkIdStore} in one small text file holding the id's value. Writes go to a temporary file that is
 * then moved over the old one, so a crash never leaves half an id behind. The OSGi factory uses
 * {@code framework-id} in the bundle's data area; plain Java users pick a path.
 *
 * <p>Thread-safe (methods are synchronized). Failures throw {@link UncheckedIOException} naming the file; a file
 * that holds no valid id (empty, or more than one line) is refused by {@link #load()} with a message naming it.
 */
public final class FileFrameworkIdStore implements FrameworkIdStore {

    private final Path file;

    /** @param file the file; its parent directory is created on the first {@link #save} */
    public FileFrameworkIdStore(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** The file this store uses. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized Optional<FrameworkID> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the framework id from " + file + ": " + e.getMessage(), e);
        }
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.contains("\n") || text.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalStateException("framework id file " + file
                    + " does not hold one framework id (found white space or several lines); delete it to register"
                    + " a new framework");
        }
        return Optional.of(FrameworkID.newBuilder().setValue(text).build());
    }

    @Override
    public synchronized void save(FrameworkID id) {
        Objects.requireNonNull(id, "id");
        try {
            Path dir = file.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, id.getValue() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the framework id to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the framework id file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "framework id file " + file;
    }
}
