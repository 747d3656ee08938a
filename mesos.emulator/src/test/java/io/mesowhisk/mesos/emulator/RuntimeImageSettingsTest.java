package io.mesowhisk.mesos.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.emulator.internal.LocalMasterComponent;
import io.mesowhisk.mesos.emulator.internal.MainAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runtime images are set the same way through the builder, the command line and ConfigAdmin. */
class RuntimeImageSettingsTest {

    private static final List<String> DEFAULTS = List.of(
        "openwhisk/action-nodejs-v*=node {nodejs-proxy} --host {host} --port {port} (default)",
        "openwhisk/nodejs*action=node {nodejs-proxy} --host {host} --port {port} (default)");

    @Test
    void theBuilderSimulatesEveryImageUnlessAsked() {
        try (MesosEmulator emu = MesosEmulator.builder().start()) {
            assertEquals(List.of(), emu.runtimeImages());
        }
        try (MesosEmulator emu = MesosEmulator.builder().runtime("a/*", "run {port}").defaultRuntimes().start()) {
            assertEquals("a/*=run {port} (MesosEmulator.Builder.runtime)", emu.runtimeImages().get(0));
            assertEquals(DEFAULTS, emu.runtimeImages().subList(1, 3));
        }
        assertThrows(IllegalArgumentException.class, () -> MesosEmulator.builder().runtime("a b", "x"));
    }

    @Test
    void theCommandLineTakesRepeatedRuntimesBeforeTheDefaults() {
        try (MesosEmulator emu = MainAccess.parse("--port", "0", "--runtime", "x/*=one {port}",
            "--runtime=y/*=two 'a b'").start()) {
            assertEquals("x/*=one {port} (--runtime)", emu.runtimeImages().get(0));
            assertEquals("y/*=two 'a b' (--runtime)", emu.runtimeImages().get(1));
            assertEquals(DEFAULTS, emu.runtimeImages().subList(2, 4));
        }
        try (MesosEmulator emu = MainAccess.parse("--port", "0", "--no-default-runtimes").start()) {
            assertEquals(List.of(), emu.runtimeImages());
        }
        String bad = assertThrows(IllegalArgumentException.class, () -> MainAccess.parse("--runtime", "node p.js"))
            .getMessage();
        assertTrue(bad.contains("'node p.js' (--runtime): expected PATTERN=COMMAND"), bad);
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        MainAccess.parse(new PrintStream(help), "--help");
        assertTrue(help.toString().contains("--runtime <glob>=<command>"), help.toString());
    }

    private static LocalMasterComponent.Config config(Map<String, Object> values) {
        return (LocalMasterComponent.Config) Proxy.newProxyInstance(RuntimeImageSettingsTest.class.getClassLoader(),
            new Class<?>[] {LocalMasterComponent.Config.class},
            (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                : method.getDefaultValue());
    }

    @Test
    void theComponentTakesRuntimesFromItsConfiguration() {
        try (MesosEmulator emu = MainAccess.build(config(Map.of("runtimes", new String[] {"z/*=three"}))).start()) {
            assertEquals(List.of("z/*=three (runtimes of configuration mesos.emulator)", DEFAULTS.get(0),
                DEFAULTS.get(1)), emu.runtimeImages());
        }
        try (MesosEmulator emu = MainAccess.build(config(Map.of("default_runtimes", false,
            "runtimes", new String[] {""}))).start()) {
            assertEquals(List.of(), emu.runtimeImages());
        }
        String bad = assertThrows(IllegalArgumentException.class,
            () -> MainAccess.build(config(Map.of("runtimes", new String[] {"z/*=x {prot}"})))).getMessage();
        assertTrue(bad.contains("(runtimes of configuration mesos.emulator): unknown placeholder {prot}"), bad);
    }
}
