package io.mesowhisk.mesos.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MesosClientConfigTest {

    private static String problems(MesosClientConfig.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void defaults() {
        MesosClientConfig c = MesosClientConfig.builder().masters("http://m1:5050").build();
        assertEquals(List.of(URI.create("http://m1:5050")), c.masters());
        assertEquals(Encoding.PROTOBUF, c.encoding());
        assertEquals(16 * 1024 * 1024, c.maxRecordBytes());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(10), c.requestTimeout());
        assertEquals(Duration.ofMillis(500), c.backoffMin());
        assertEquals(Duration.ofSeconds(15), c.backoffMax());
        assertEquals(5, c.heartbeatMaxFailures());
        assertEquals(Duration.ofSeconds(5), c.heartbeatGrace());
        assertEquals(5, c.maxRedirects());
        assertTrue(c.reconnect());
        assertTrue(c.principal().isEmpty() && c.secret().isEmpty() && c.trustStore().isEmpty());
        assertEquals("PKCS12", c.trustStoreType());
    }

    @Test
    void normalisesMasterUrls() {
        MesosClientConfig c = MesosClientConfig.builder()
                .masters("http://m1", "https://m2:443/", " HTTP://m3:5051 ", "http://[::1]:5050").build();
        assertEquals(List.of(URI.create("http://m1:5050"), URI.create("https://m2:443"), URI.create("http://m3:5051"),
                URI.create("http://[::1]:5050")), c.masters());
        assertEquals(c.masters(), c.toBuilder().build().masters());
    }

    @Test
    void zookeeperUrlsAreRejectedClearlyForNow() {
        String message = problems(MesosClientConfig.builder().masters("zk://zk1:2181,zk2:2181/mesos"));
        assertTrue(message.contains("zk:// master URLs (leader detection through ZooKeeper) are not supported yet"),
                message);
        assertTrue(message.contains("zk://zk1:2181,zk2:2181/mesos"), message);
    }

    @Test
    void aMasterDetectorReplacesTheUrls() {
        MasterDetector detector = () -> List.of(URI.create("http://m9:5050"));
        MesosClientConfig c = MesosClientConfig.builder().masterDetector(detector).build();
        assertTrue(c.masters().isEmpty());
        assertEquals(detector, c.masterDetector().orElseThrow());
    }

    @Test
    void badMasterUrlsAreNamed() {
        assertTrue(problems(MesosClientConfig.builder()).contains("at least one master URL is required"));
        String message = problems(MesosClientConfig.builder().masters("ftp://m1", "http://m2:5050/api/v1/scheduler",
                "http://user:pw@m3", "not a url", "http://"));
        assertTrue(message.contains("'ftp://m1' must start with http:// or https://"), message);
        assertTrue(message.contains("must be a base URL without path, query or fragment, e.g. http://m2:5050"), message);
        assertTrue(message.contains("carries user info"), message);
        assertFalse(message.contains("pw"), "user info is not echoed: " + message);
        assertTrue(message.contains("'not a url' is not a URL"), message);
    }

    @Test
    void everyBadValueIsNamedAtOnce() {
        String message = problems(MesosClientConfig.builder().masters("http://m1").encoding(null)
                .maxRecordBytes(0).connectTimeout(Duration.ZERO).requestTimeout(Duration.ofSeconds(-1))
                .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).heartbeat(0, Duration.ofSeconds(-1))
                .maxRedirects(-1));
        for (String expected : List.of("encoding", "maxRecordBytes: must be 1..", "connectTimeout: must be a positive",
                "requestTimeout: must be a positive", "backoff: min PT2S is greater than max PT1S",
                "heartbeatMaxFailures: must be at least 1, got 0", "heartbeatGrace", "maxRedirects")) {
            assertTrue(message.contains(expected), expected + " in " + message);
        }
    }

    @Test
    void credentialsComeInPairsWithoutColonAndAreMasked() {
        assertTrue(problems(MesosClientConfig.builder().masters("http://m1").credentials("p", null))
                .contains("principal 'p' without secret"));
        String colon = problems(MesosClientConfig.builder().masters("http://m1").credentials("p", "a:b-secret"));
        assertTrue(colon.contains("must not contain ':'"), colon);
        assertFalse(colon.contains("a:b-secret"), colon);
        MesosClientConfig c = MesosClientConfig.builder().masters("http://m1").credentials("whisk", "hunter2").build();
        assertFalse(c.toString().contains("hunter2"), c.toString());
        assertTrue(c.toString().contains("principal=whisk") && c.toString().contains("secret=****"), c.toString());
    }

    @Test
    void trustStoreIsCheckedWhenBuilt(@TempDir Path dir) throws Exception {
        String missing = problems(MesosClientConfig.builder().masters("https://m1")
                .trustStore(dir.resolve("missing.p12"), "pw", "PKCS12"));
        assertTrue(missing.contains("missing.p12 does not exist or is not readable"), missing);
        Path junk = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        String bad = problems(MesosClientConfig.builder().masters("https://m1").trustStore(junk, "secretpw", "PKCS12"));
        assertTrue(bad.contains("cannot load " + junk + " as PKCS12"), bad);
        assertFalse(bad.contains("secretpw"), bad);
    }
}
