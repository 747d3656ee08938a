package io.mesowhisk.mesos.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.mesos.v1.scheduler.Protos.Call;
import io.mesowhisk.mesos.v1.scheduler.Protos.Event;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https masters: trust from a configured trust store, 307 keeps https, untrusted certificates fail clearly. */
class HttpsTest {
    @TempDir
    static Path dir;
    static Path trustStore;
    static FakeMaster leader;
    static FakeMaster follower;

    @BeforeAll
    static void masters() throws Exception {
        Path keyStore = dir.resolve("master.p12");
        Path cert = dir.resolve("master.pem");
        trustStore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "master", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", "keypass", "-keypass", "keypass");
        keytool("-exportcert", "-rfc", "-alias", "master", "-keystore", keyStore.toString(), "-storepass", "keypass",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "master", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trustpass");
        leader = FakeMaster.https(keyStore, "keypass");
        follower = new FakeMaster(leader);
        follower.redirectTo = leader.uri();
    }

    @AfterAll
    static void stop() throws Exception {
        follower.close();
        leader.close();
    }

    private static void keytool(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    @Test
    void subscribesAndCallsOverHttpsFollowingASchemeRelativeRedirect() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (MesosClient client = MesosClient.create(MesosClientConfig.builder().masters(follower.uri().toString())
                .trustStore(trustStore, "trustpass", "PKCS12").backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build())) {
            Subscription s = client.subscribe(MesosClientTest.FRAMEWORK, listener);
            listener.expect(Event.Subscribed.class);
            assertNull(s.revive(List.of()).toCompletableFuture().get(20, TimeUnit.SECONDS));
            assertEquals(Call.Type.SUBSCRIBE, leader.nextRequest().call().getType());
            assertEquals(Call.Type.REVIVE, leader.nextRequest().call().getType());
            assertTrue(leader.uri().getScheme().equals("https"));
        }
    }

    @Test
    void anUntrustedCertificateFailsTheConnection() throws Exception {
        RecordingListener listener = new RecordingListener();
        try (MesosClient client = MesosClient.create(MesosClientConfig.builder().masters(leader.uri().toString())
                .reconnect(false).build())) {
            Disconnect d = client.subscribe(MesosClientTest.FRAMEWORK, listener).terminated().toCompletableFuture()
                    .get(20, TimeUnit.SECONDS);
            assertEquals(Disconnect.Reason.CONNECTION_FAILED, d.reason());
            assertFalse(d.reconnecting());
            assertInstanceOf(MesosConnectionException.class, d.cause());
            assertTrue(d.message().contains("SSL"), d.message());
        }
    }
}
