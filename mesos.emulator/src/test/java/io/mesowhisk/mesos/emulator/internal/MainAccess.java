package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.emulator.MesosEmulator;
import java.io.PrintStream;

/** Test access to package-private entry points of the standalone main and the DS component. */
public final class MainAccess {

    private MainAccess() {
    }

    public static MesosEmulator.Builder parse(String... args) {
        return Main.parse(args, System.out);
    }

    public static MesosEmulator.Builder parse(PrintStream out, String... args) {
        return Main.parse(args, out);
    }

    public static MesosEmulator.Builder build(LocalMasterComponent.Config config) {
        return LocalMasterComponent.build(config);
    }

    public static void deactivate(LocalMasterComponent c) {
        c.deactivate();
    }
}
