package io.mesowhisk.mesos.scheduler.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.scheduler.FileFrameworkIdStore;
import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** Where the factory keeps the framework id file: the {@code mesos.scheduler.state.dir} directory or the data area. */
class SchedulerFactoryComponentTest {

    @TempDir
    Path tmp;

    /** A BundleContext answering only getProperty (from the map) and getDataFile (under dataArea, or none). */
    private static BundleContext context(Map<String, String> properties, Path dataArea) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getDataFile" -> dataArea == null ? null : dataArea.resolve((String) args[0]).toFile();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void withoutThePropertyTheIdFileIsInTheBundleDataArea() {
        Path data = tmp.resolve("data-area");
        Path file = SchedulerFactoryComponent.idFile(context(Map.of(), data), "whisk", "*");
        assertEquals(data.resolve("framework-id-whisk-_"), file);
    }

    @Test
    void thePropertyNamesTheDirectoryWhichIsCreated() {
        Path dir = tmp.resolve("state/nested");
        Path file = SchedulerFactoryComponent.idFile(
                context(Map.of(SchedulerFactoryComponent.STATE_DIR_PROPERTY, dir.toString()), tmp.resolve("unused")),
                "my fw", "role/a");
        assertEquals(dir.toAbsolutePath().resolve("framework-id-my_fw-role_a"), file);
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void aRelativeDirectoryResolvesAgainstTheWorkingDirectory() throws Exception {
        String relative = "target/state-dir-test-" + ProcessHandle.current().pid();
        try {
            Path file = SchedulerFactoryComponent.idFile(
                    context(Map.of(SchedulerFactoryComponent.STATE_DIR_PROPERTY, relative), null), "fw", "r");
            assertEquals(Path.of(relative).toAbsolutePath().resolve("framework-id-fw-r"), file);
        } finally {
            Files.deleteIfExists(Path.of(relative));
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsRefusedNamingTheProperty() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("a-file"), "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SchedulerFactoryComponent.idFile(
                context(Map.of(SchedulerFactoryComponent.STATE_DIR_PROPERTY, notADir.resolve("sub").toString()),
                        tmp), "fw", "r"));
        assertTrue(e.getMessage().contains("mesos.scheduler.state.dir"), e.getMessage());
    }

    @Test
    void noPropertyAndNoDataAreaIsRefusedNamingTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SchedulerFactoryComponent.idFile(context(Map.of(), null), "fw", "r"));
        assertTrue(e.getMessage().contains("mesos.scheduler.state.dir"), e.getMessage());
    }

    @Test
    void theIdSurvivesAcrossStoresOnTheSameStateDirectory() {
        // the restart case: a new bundle cache (new data area) but the same state directory
        Map<String, String> props = Map.of(SchedulerFactoryComponent.STATE_DIR_PROPERTY, tmp.resolve("s").toString());
        var first = new FileFrameworkIdStore(
                SchedulerFactoryComponent.idFile(context(props, tmp.resolve("cache1")), "fw", "r"));
        first.save(FrameworkID.newBuilder().setValue("fw-0001").build());
        var second = new FileFrameworkIdStore(
                SchedulerFactoryComponent.idFile(context(props, tmp.resolve("cache2")), "fw", "r"));
        assertEquals("fw-0001", second.load().orElseThrow().getValue());
    }
}
