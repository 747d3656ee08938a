package io.mesowhisk.mesos.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.Protos.FrameworkID;
import io.mesowhisk.mesos.v1.Protos.FrameworkInfo;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FrameworkSettingsTest {

    private static FrameworkSettings settings(String role, Duration failover) {
        return new FrameworkSettings("whisk", "root", role, failover, Optional.empty(), Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "openwhisk", "a/b", "team-1/whisk", "a.b"})
    void acceptsRolesMesosAccepts(String role) {
        assertTrue(FrameworkSettings.validateRole(role).isEmpty(), role);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a", "a/", "a//b", ".", "..", "a/*", "-a", "a b", "a\tb"})
    void refusesRolesMesosRefuses(String role) {
        assertTrue(FrameworkSettings.validateRole(role).isPresent(), role);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(role, Duration.ZERO));
        assertTrue(e.getMessage().startsWith("role '" + role + "' is not a valid Mesos role"), e.getMessage());
    }

    @Test
    void refusesAFailoverTimeoutMesosCannotRepresent() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings("*", Duration.ofSeconds(100_000_000_000_000_000L)));
        assertTrue(e.getMessage().contains("int64 nanoseconds"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings("*", Duration.ofSeconds(-1)));
    }

    @Test
    void buildsTheFrameworkInfoToSubscribeWith() {
        FrameworkSettings s = new FrameworkSettings("whisk", "root", "openwhisk", Duration.ofMillis(1500),
                Optional.of("invoker"), Optional.of("host-1"));
        FrameworkInfo fresh = s.toFrameworkInfo(Optional.empty());
        assertFalse(fresh.hasId());
        assertEquals("openwhisk", fresh.getRole());
        assertEquals(1.5, fresh.getFailoverTimeout());
        assertEquals("invoker", fresh.getPrincipal());
        assertEquals("host-1", fresh.getHostname());
        assertTrue(fresh.getCheckpoint());
        FrameworkInfo failover = s.toFrameworkInfo(Optional.of(FrameworkID.newBuilder().setValue("m-0001").build()));
        assertEquals("m-0001", failover.getId().getValue());
    }
}
