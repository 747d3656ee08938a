package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.Protos.CommandInfo;
import io.mesowhisk.mesos.v1.Protos.HealthCheck;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * One probe of a Mesos health check, as the executors' checker runs it (docs/health-checks.md): a TCP connect, an
 * HTTP GET answered 200–399, or a COMMAND that exits 0, each within the check's timeout. Shared by command tasks
 * ({@link HealthChecker}) and runtime-image processes ({@link RuntimeProcess}), which differ only in where a check's
 * port is reached and in the COMMAND's environment. Blocking: call it off the master loop.
 */
final class HealthProbe {

    private HealthProbe() {
    }

    /**
     * @param host        the address the task's ports are reached at
     * @param portOf      the port a check names → the port to connect to (a container port → its mapped host port)
     * @param sandbox     the COMMAND check's working directory
     * @param environment fills the COMMAND check's environment
     * @return whether the probe succeeded; failures to connect or run are {@code false} or an exception
     */
    static boolean probe(HealthCheck h, String host, IntUnaryOperator portOf, Path sandbox,
            Consumer<Map<String, String>> environment, long timeoutMs) throws Exception {
        switch (h.getType()) {
            case TCP -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, portOf.applyAsInt(h.getTcp().getPort())), (int) timeoutMs);
                    return true;
                }
            }
            case HTTP -> {
                String scheme = h.getHttp().hasScheme() ? h.getHttp().getScheme() : "http";
                String path = h.getHttp().hasPath() ? h.getHttp().getPath() : "/";
                HttpURLConnection c = (HttpURLConnection) URI.create(scheme + "://" + host + ":"
                    + portOf.applyAsInt(h.getHttp().getPort()) + path).toURL().openConnection();
                c.setConnectTimeout((int) timeoutMs);
                c.setReadTimeout((int) timeoutMs);
                try {
                    int code = c.getResponseCode();
                    return code >= 200 && code <= 399;
                } finally {
                    c.disconnect();
                }
            }
            case COMMAND -> {
                CommandInfo cmd = h.getCommand();
                List<String> argv = cmd.getShell() ? List.of("/bin/sh", "-c", cmd.getValue())
                    : new ArrayList<>(List.of(cmd.getValue()));
                ProcessBuilder pb = new ProcessBuilder(argv).directory(sandbox.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
                environment.accept(pb.environment());
                Process p = pb.start();
                if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            }
            default -> {
                return false;
            }
        }
    }
}
