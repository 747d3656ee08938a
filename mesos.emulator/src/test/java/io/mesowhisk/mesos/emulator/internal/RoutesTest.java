package io.mesowhisk.mesos.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RoutesTest {

    @Test
    void longestWholeSegmentPrefixWins() {
        assertEquals("master/api/v1/scheduler", Routes.MASTER.route("/api/v1/scheduler"));
        assertEquals("master/api/v1/scheduler", Routes.MASTER.route("/api/v1/scheduler/subscribe"));
        assertEquals("master/api/v1/scheduler", Routes.MASTER.route("/master/api/v1/scheduler/a/b"));
        assertEquals("master/state", Routes.MASTER.route("/state/x"));
        assertEquals("master/state.json", Routes.MASTER.route("/state.json"));
        assertNull(Routes.MASTER.route("/api/v1/schedulers"));
        assertNull(Routes.MASTER.route("/"));
        assertNull(Routes.MASTER.route("/master"));
    }

    @Test
    void agentProcesses() {
        assertEquals("slave(1)/state", Routes.AGENT.route("/state"));
        assertEquals("slave(1)/state", Routes.AGENT.route("/slave(1)/state"));
        assertEquals("files/read", Routes.AGENT.route("/files/read/x"));
        assertEquals("files/browse.json", Routes.AGENT.route("/files/browse.json"));
        assertNull(Routes.AGENT.route("/files"));
    }

    @Test
    void dirnameAsStout() {
        assertEquals(".", Routes.dirname("a"));
        assertEquals("a", Routes.dirname("a/b"));
        assertEquals("a", Routes.dirname("a/b/"));
        assertEquals(".", Routes.dirname(""));
        assertEquals("/", Routes.dirname("/a"));
    }
}
