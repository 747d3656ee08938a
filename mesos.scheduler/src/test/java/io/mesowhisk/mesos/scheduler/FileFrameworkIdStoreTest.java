package io.mesowhisk.mesos.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFrameworkIdStoreTest {

    @TempDir
    Path dir;

    @Test
    void savesLoadsAndClears() throws Exception {
        FileFrameworkIdStore store = new FileFrameworkIdStore(dir.resolve("sub/framework-id"));
        assertTrue(store.load().isEmpty());
        store.save(FrameworkID.newBuilder().setValue("abc-0001").build());
        assertEquals("abc-0001", new FileFrameworkIdStore(dir.resolve("sub/framework-id")).load().orElseThrow()
                .getValue());
        store.save(FrameworkID.newBuilder().setValue("abc-0002").build());
        assertEquals("abc-0002", store.load().orElseThrow().getValue());
        store.clear();
        assertTrue(store.load().isEmpty());
        store.clear();
    }

    @Test
    void aFileWithoutOneIdIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("framework-id");
        Files.writeString(file, "one\ntwo\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new FileFrameworkIdStore(file)
                .load());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
