package io.mesowhisk.mesos.scheduler.internal;

import io.mesowhisk.mesos.constraints.PlacementEngine;

/**
 * The placement engine for plain Java use when the builder was given none: the mesos.constraints bundle's own
 * engine, found on the class path by name (in OSGi the factory passes the {@code PlacementEngine} service instead).
 */
final class DefaultPlacement {

    static final String ENGINE = "io.mesowhisk.mesos.constraints.internal.DefaultPlacementEngine";

    private DefaultPlacement() {
    }

    static PlacementEngine load() {
        try {
            return (PlacementEngine) Class.forName(ENGINE, true, PlacementEngine.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            throw new IllegalArgumentException("MesosScheduler.builder(): no placementEngine given and the default "
                    + ENGINE + " cannot be created (" + e + "); pass one with placementEngine(...)", e);
        }
    }
}
