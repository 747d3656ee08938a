package io.mesowhisk.whisk;

import java.util.Objects;

/**
 * Where a container's action proxy listens: the agent's host name and the host port mapped to container port
 * 8080 (OpenWhisk's {@code ContainerAddress}).
 *
 * @param host the agent's host name or address
 * @param port the host port, 1 to 65535
 */
public record ContainerAddress(String host, int port) {

    /** Validates at once. */
    public ContainerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("container address: host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("container address: port " + port + " is not in 1..65535");
        }
    }

    /** {@code host:port}, IPv6 literals in brackets. */
    @Override
    public String toString() {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
