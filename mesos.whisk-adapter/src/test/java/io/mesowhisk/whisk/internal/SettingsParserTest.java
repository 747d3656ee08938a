package io.mesowhisk.whisk.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.WhiskMesosSettings;
import io.mesowhisk.whisk.WhiskMesosSettings.Encoding;
import io.mesowhisk.whisk.internal.OpenWhiskEnvironment.Sourced;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SettingsParserTest {

    private static Map<String, Sourced> layer(String source, Object... keyValues) {
        Map<String, Sourced> layer = new TreeMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            layer.put((String) keyValues[i], new Sourced(keyValues[i + 1], source));
        }
        return layer;
    }

    private static WhiskMesosSettings parse(Object... keyValues) {
        return SettingsParser.parse(List.of(layer("test", keyValues)));
    }

    private static String refusal(Object... keyValues) {
        return assertThrows(IllegalArgumentException.class, () -> parse(keyValues)).getMessage();
    }

    @Test
    void defaultsAreOpenWhisksDefaults() {
        WhiskMesosSettings s = SettingsParser.parse(List.of());
        assertTrue(s.localMode());
        assertEquals("*", s.role());
        assertEquals(Duration.ZERO, s.failoverTimeout());
        assertTrue(s.mesosLinkLogMessage());
        assertEquals(List.of(), s.constraints());
        assertEquals(" ", s.constraintDelimiter());
        assertTrue(s.teardownOnExit());
        assertEquals(Duration.ofSeconds(5), s.offerRefuseDuration());
        assertEquals(2, s.heartbeatMaxFailures());
        assertEquals(new WhiskMesosSettings.Timeouts(Duration.ofSeconds(45), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(30)), s.timeouts());
        assertEquals(new WhiskMesosSettings.HealthCheck(true, 0, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(25), 3), s.healthCheck());
        assertEquals(Encoding.PROTOBUF, s.encoding());
        assertEquals("whisk-containerfactory-framework", s.frameworkName());
        assertEquals(Map.of(), s.sources());
    }

    @Test
    void everyDocumentedPropertyIsAccepted() {
        WhiskMesosSettings s = parse("master-url", "http://192.168.99.100:5050",
                "master-url-public", "http://mesos.example.org:5050/",
                "role", "openwhisk",
                "failover-timeout-seconds", "600",
                "mesos-link-log-message", "false",
                "constraints", new String[] {"att1 LIKE v1", "att2 UNLIKE v2"},
                "blackbox-constraints", List.of("pool LIKE blackbox"),
                "constraint-delimiter", "|",
                "teardown-on-exit", false);
        assertEquals(List.of(URI.create("http://192.168.99.100:5050")), s.masterUrls());
        assertEquals(Optional.of(URI.create("http://mesos.example.org:5050")), s.publicUrl());
        assertEquals("openwhisk", s.role());
        assertEquals(Duration.ofMinutes(10), s.failoverTimeout());
        assertFalse(s.mesosLinkLogMessage());
        assertEquals(List.of("att1 LIKE v1", "att2 UNLIKE v2"), s.constraints());
        assertEquals(List.of("pool LIKE blackbox"), s.blackboxConstraints());
        assertEquals("|", s.constraintDelimiter());
        assertFalse(s.teardownOnExit());
    }

    @Test
    void theCodesSpellingsWorkToo() {
        WhiskMesosSettings s = parse("master-public-url", "https://m:5050", "timeouts.failover", "7 days",
                "timeouts.task-launch", "2m", "offer-refuse-duration", 1500L, "health-check.interval", "500 ms");
        assertEquals(Optional.of(URI.create("https://m:5050")), s.masterPublicUrl());
        assertEquals(Duration.ofDays(7), s.failoverTimeout());
        assertEquals(Duration.ofMinutes(2), s.timeouts().taskLaunch());
        assertEquals(Duration.ofMillis(1500), s.offerRefuseDuration());
        assertEquals(Duration.ofMillis(500), s.healthCheck().interval());
    }

    @Test
    void laterLayersWinAndSourcesAreRecorded() {
        WhiskMesosSettings s = SettingsParser.parse(List.of(
                layer("environment CONFIG_whisk_mesos_role", "role", "from-env", "user", "alice"),
                layer("system property whisk.mesos.role", "role", "from-sysprop"),
                layer("ConfigAdmin", "whisk.mesos.role", "from-cm")));
        assertEquals("from-cm", s.role());
        assertEquals("alice", s.user());
        assertEquals(Map.of("role", "ConfigAdmin", "user", "environment CONFIG_whisk_mesos_role"), s.sources());
    }

    @Test
    void indexedListEntriesAreGatheredInOrderAndAHigherLayerReplacesTheWholeList() {
        WhiskMesosSettings env = SettingsParser.parse(List.of(layer("env",
                "constraints.1", "b LIKE 2", "constraints.0", "a LIKE 1", "constraints.10", "c LIKE 3")));
        assertEquals(List.of("a LIKE 1", "b LIKE 2", "c LIKE 3"), env.constraints());
        WhiskMesosSettings replaced = SettingsParser.parse(List.of(
                layer("env", "constraints.0", "a LIKE 1", "constraints.1", "b LIKE 2"),
                layer("cm", "constraints", "z LIKE 9")));
        assertEquals(List.of("z LIKE 9"), replaced.constraints());
    }

    @Test
    void severalMastersAreTriedInTurn() {
        assertEquals(List.of(URI.create("http://m1:5050"), URI.create("https://m2:5443"), URI.create("http://m3:5050")),
                parse("master-url", "http://m1:5050, https://m2:5443,http://m3").masterUrls());
    }

    /** The configuration applies the Mesos client's own rule: what it accepts, the client accepts. */
    @Test
    void masterUrlsTheClientRefusesAreRefusedByTheConfiguration() {
        String zk = refusal("master-url", "http://m1:5050,zk://z1:2181,z2:2181/mesos");
        assertTrue(zk.contains("whisk.mesos.master-url = \"http://m1:5050,zk://z1:2181,z2:2181/mesos\"")
                && zk.contains("zk:// master URLs (leader detection through ZooKeeper) are not supported yet"), zk);
        String path = refusal("master-url", "http://m1:5050/mesos");
        assertTrue(path.contains("must be a base URL without path, query or fragment, e.g. http://m1:5050"), path);
        assertTrue(refusal("master-url", "http://user:pw@m1:5050").contains("carries user info"));
        assertTrue(refusal("master-url", "ftp://m1:5050").contains("must start with http:// or https://"));
        // each accepted one is accepted by the client as it is
        for (URI u : parse("master-url", "http://m1, https://[::1]:5443/").masterUrls()) {
            assertEquals(List.of(u), io.mesowhisk.mesos.api.MesosClientConfig.builder().masters(u.toString()).build()
                    .masters());
        }
        // the public URL is only shown: a path is fine there
        assertEquals(Optional.of(URI.create("https://ui.example.org/mesos")),
                parse("master-public-url", "https://ui.example.org/mesos/").masterPublicUrl());
    }

    @Test
    void credentialsTheClientRefusesAreRefused() {
        String colon = refusal("principal", "whisk", "secret", "a:b");
        assertTrue(colon.contains("whisk.mesos.secret = ******") && colon.contains("must not contain ':'")
                && !colon.contains("a:b"), colon);
    }

    @Test
    void badValuesAreRefusedNamingKeyValueSourceAndExpectation() {
        assertEquals("invalid whisk.mesos configuration: whisk.mesos.timeouts.task-launch = \"45 parsecs\" "
                + "(from test): expected a duration such as \"45 seconds\", \"500 ms\", \"2m\" or \"1h\"",
                refusal("timeouts.task-launch", "45 parsecs"));
        assertTrue(refusal("master-url", "localhost:5050").contains("whisk.mesos.master-url"));
        assertTrue(refusal("role", "a//b").contains("expected a valid Mesos role"));
        assertTrue(refusal("heartbeat-max-failures", "0").contains("at least 1"));
        assertTrue(refusal("teardown-on-exit", "maybe").contains("expected true or false"));
        assertTrue(refusal("encoding", "xml").contains("expected protobuf or json"));
        assertTrue(refusal("failover-timeout-seconds", "100000000000000000").contains("int64 nanoseconds"));
        assertTrue(refusal("constraint-delimiter", "").contains("non-empty delimiter"));
        assertTrue(refusal("timeouts.subscribe", "0s").contains("longer than zero"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String message = refusal("role", "-x", "encoding", "xml");
        assertTrue(message.contains("whisk.mesos.role") && message.contains("whisk.mesos.encoding"), message);
    }

    @Test
    void unknownKeysAreRefusedWithTheKnownOnesListed() {
        String message = refusal("contraints", "a LIKE b");
        assertTrue(message.contains("unknown key whisk.mesos.contraints (from test); known keys: "), message);
        assertTrue(message.contains("blackbox-constraints"), message);
    }

    @Test
    void aliasesThatDisagreeInOneLayerAreRefused() {
        assertTrue(refusal("master-url-public", "http://a:1", "master-public-url", "http://b:1")
                .contains("given twice with different values"));
    }

    @Test
    void theSecretNeverShows() {
        WhiskMesosSettings s = parse("principal", "invoker", "secret", "s3cr3t-value");
        assertEquals("s3cr3t-value", s.secret().orElseThrow().reveal());
        assertFalse(s.toString().contains("s3cr3t-value"), s.toString());
        String message = refusal("secret", "s3cr3t-value");
        assertFalse(message.contains("s3cr3t-value"), message);
        assertTrue(message.contains("a principal to go with the secret"), message);
    }

    @Test
    void durationsFollowHocon() {
        assertEquals(Duration.ofMillis(250), SettingsParser.parseDuration("250"));
        assertEquals(Duration.ofSeconds(1), SettingsParser.parseDuration("1 second"));
        assertEquals(Duration.ofMillis(1500), SettingsParser.parseDuration("1.5s"));
        assertEquals(Duration.ofHours(36), SettingsParser.parseDuration("1.5 d"));
        assertEquals(null, SettingsParser.parseDuration("-1s"));
        assertEquals(null, SettingsParser.parseDuration("soon"));
    }
}
