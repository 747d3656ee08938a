package io.mesowhisk.mesos.api;

import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Immutable configuration of a {@link MesosClient}, made by a {@link Builder} that validates everything at once and
 * names every wrong value in one {@link IllegalArgumentException}.
 *
 * <table>
 * <caption>Options and defaults</caption>
 * <tr><th>option</th><th>default</th><th>meaning</th></tr>
 * <tr><td>masters</td><td>(required)</td><td>master base URLs {@code http(s)://host:port}, tried in turn;
 *     {@code zk://} is not supported yet</td></tr>
 * <tr><td>encoding</td><td>PROTOBUF</td><td>wire encoding of calls and events</td></tr>
 * <tr><td>principal / secret</td><td>none</td><td>HTTP Basic credentials, sent with every request</td></tr>
 * <tr><td>trustStore / trustStorePassword / trustStoreType</td><td>JVM default / none / PKCS12</td><td>trust for
 *     https masters</td></tr>
 * <tr><td>maxRecordBytes</td><td>16 MiB</td><td>largest accepted event record</td></tr>
 * <tr><td>connectTimeout</td><td>5 s</td><td>TCP (+TLS) connect</td></tr>
 * <tr><td>requestTimeout</td><td>10 s</td><td>a call's total time incl. redirects and 503 retries; also the time
 *     a SUBSCRIBE may take until its first event</td></tr>
 * <tr><td>backoffMin / backoffMax</td><td>500 ms / 15 s</td><td>exponential backoff (with jitter) between
 *     subscription attempts and between 503 retries</td></tr>
 * <tr><td>heartbeatMaxFailures / heartbeatGrace</td><td>5 / 5 s</td><td>the stream is dead after heartbeat
 *     interval × max failures + grace without any event</td></tr>
 * <tr><td>maxRedirects</td><td>5</td><td>307 redirects followed per request</td></tr>
 * <tr><td>reconnect</td><td>true</td><td>resubscribe (with backoff) after a lost stream or a failed attempt; when
 *     false, the first failed SUBSCRIBE attempt (all masters tried) or lost stream ends the subscription</td></tr>
 * </table>
 *
 * <p>{@link #toString()} masks the secret and the trust store password.
 */
public final class MesosClientConfig {
    /** Mesos's default master port, used when a master URL has none. */
    public static final int DEFAULT_MASTER_PORT = 5050;

    private final List<URI> masters;
    private final MasterDetector masterDetector;
    private final Encoding encoding;
    private final String principal;
    private final String secret;
    private final Path trustStore;
    private final String trustStorePassword;
    private final String trustStoreType;
    private final int maxRecordBytes;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final int heartbeatMaxFailures;
    private final Duration heartbeatGrace;
    private final int maxRedirects;
    private final boolean reconnect;

    private MesosClientConfig(Builder b, List<URI> masters) {
        this.masters = List.copyOf(masters);
        this.masterDetector = b.masterDetector;
        this.encoding = b.encoding;
        this.principal = b.principal;
        this.secret = b.secret;
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.trustStoreType = b.trustStoreType;
        this.maxRecordBytes = b.maxRecordBytes;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.backoffMin = b.backoffMin;
        this.backoffMax = b.backoffMax;
        this.heartbeatMaxFailures = b.heartbeatMaxFailures;
        this.heartbeatGrace = b.heartbeatGrace;
        this.maxRedirects = b.maxRedirects;
        this.reconnect = b.reconnect;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.masters = new ArrayList<>();
        masters.forEach(u -> b.masters.add(u.toString()));
        b.masterDetector = masterDetector;
        b.encoding = encoding;
        b.principal = principal;
        b.secret = secret;
        b.trustStore = trustStore;
        b.trustStorePassword = trustStorePassword;
        b.trustStoreType = trustStoreType;
        b.maxRecordBytes = maxRecordBytes;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.backoffMin = backoffMin;
        b.backoffMax = backoffMax;
        b.heartbeatMaxFailures = heartbeatMaxFailures;
        b.heartbeatGrace = heartbeatGrace;
        b.maxRedirects = maxRedirects;
        b.reconnect = reconnect;
        return b;
    }

    /** Normalised master base URLs ({@code scheme://host:port}), in the configured order. */
    public List<URI> masters() {
        return masters;
    }

    /** The custom detector, if one was set (it then replaces {@link #masters()}). */
    public Optional<MasterDetector> masterDetector() {
        return Optional.ofNullable(masterDetector);
    }

    public Encoding encoding() {
        return encoding;
    }

    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /** The secret; handle with care, it is never logged or printed by this client. */
    public Optional<String> secret() {
        return Optional.ofNullable(secret);
    }

    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore);
    }

    public Optional<String> trustStorePassword() {
        return Optional.ofNullable(trustStorePassword);
    }

    public String trustStoreType() {
        return trustStoreType;
    }

    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Duration backoffMin() {
        return backoffMin;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public int heartbeatMaxFailures() {
        return heartbeatMaxFailures;
    }

    public Duration heartbeatGrace() {
        return heartbeatGrace;
    }

    public int maxRedirects() {
        return maxRedirects;
    }

    public boolean reconnect() {
        return reconnect;
    }

    @Override
    public String toString() {
        return "MesosClientConfig[masters=" + masters
                + (masterDetector == null ? "" : ", masterDetector=" + masterDetector.getClass().getName())
                + ", encoding=" + encoding
                + ", principal=" + (principal == null ? "none" : principal)
                + ", secret=" + (secret == null ? "none" : "****")
                + ", trustStore=" + (trustStore == null ? "JVM default" : trustStore + " (" + trustStoreType + ")")
                + ", trustStorePassword=" + (trustStorePassword == null ? "none" : "****")
                + ", maxRecordBytes=" + maxRecordBytes + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", backoff=" + backoffMin + ".." + backoffMax
                + ", heartbeatMaxFailures=" + heartbeatMaxFailures + ", heartbeatGrace=" + heartbeatGrace
                + ", maxRedirects=" + maxRedirects + ", reconnect=" + reconnect + "]";
    }

    /** Mutable, not thread-safe builder; {@link #build()} validates. */
    public static final class Builder {
        private List<String> masters = new ArrayList<>();
        private MasterDetector masterDetector;
        private Encoding encoding = Encoding.PROTOBUF;
        private String principal;
        private String secret;
        private Path trustStore;
        private String trustStorePassword;
        private String trustStoreType = "PKCS12";
        private int maxRecordBytes = 16 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration backoffMin = Duration.ofMillis(500);
        private Duration backoffMax = Duration.ofSeconds(15);
        private int heartbeatMaxFailures = 5;
        private Duration heartbeatGrace = Duration.ofSeconds(5);
        private int maxRedirects = 5;
        private boolean reconnect = true;

        private Builder() {
        }

        /** Replaces the master URLs, e.g. {@code "http://m1:5050"}; tried in this order. */
        public Builder masters(String... urls) {
            this.masters = new ArrayList<>(List.of(urls));
            return this;
        }

        /** Replaces the master URLs; tried in this order. */
        public Builder masters(List<URI> urls) {
            this.masters = new ArrayList<>();
            urls.forEach(u -> this.masters.add(String.valueOf(u)));
            return this;
        }

        /** Uses a custom detector instead of the master URLs (for example a future ZooKeeper detector). */
        public Builder masterDetector(MasterDetector detector) {
            this.masterDetector = detector;
            return this;
        }

        public Builder encoding(Encoding encoding) {
            this.encoding = encoding;
            return this;
        }

        /** HTTP Basic credentials; both or neither. Mesos cannot authenticate a principal or secret containing ':'. */
        public Builder credentials(String principal, String secret) {
            this.principal = principal;
            this.secret = secret;
            return this;
        }

        /** Trust store for https masters; {@code password} may be {@code null}; type e.g. PKCS12 (default) or JKS. */
        public Builder trustStore(Path path, String password, String type) {
            this.trustStore = path;
            this.trustStorePassword = password;
            this.trustStoreType = type;
            return this;
        }

        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder backoff(Duration min, Duration max) {
            this.backoffMin = min;
            this.backoffMax = max;
            return this;
        }

        public Builder heartbeat(int maxFailures, Duration grace) {
            this.heartbeatMaxFailures = maxFailures;
            this.heartbeatGrace = grace;
            return this;
        }

        public Builder maxRedirects(int maxRedirects) {
            this.maxRedirects = maxRedirects;
            return this;
        }

        public Builder reconnect(boolean reconnect) {
            this.reconnect = reconnect;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming every invalid option
         */
        public MesosClientConfig build() {
            List<String> problems = new ArrayList<>();
            List<URI> uris = new ArrayList<>();
            if (masters == null || masters.isEmpty()) {
                if (masterDetector == null) {
                    problems.add("masters: at least one master URL is required, e.g. http://master:5050");
                }
            } else {
                for (String m : masters) {
                    URI u = parseMaster(m, problems);
                    if (u != null) {
                        uris.add(u);
                    }
                }
            }
            if (encoding == null) {
                problems.add("encoding: must be PROTOBUF or JSON, got null");
            }
            if ((principal == null) != (secret == null)) {
                problems.add("credentials: principal and secret must be given together (got "
                        + (principal == null ? "a secret without principal" : "principal '" + principal
                        + "' without secret") + ")");
            } else if (principal != null) {
                if (principal.isEmpty() || principal.indexOf(':') >= 0) {
                    problems.add("credentials: principal must be non-empty and must not contain ':', got '"
                            + principal + "'");
                }
                if (secret.isEmpty() || secret.indexOf(':') >= 0) {
                    problems.add("credentials: the secret must be non-empty and must not contain ':'"
                            + " (Mesos splits Basic credentials on ':')");
                }
            }
            checkTrustStore(problems);
            if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 8) {
                problems.add("maxRecordBytes: must be 1.." + (Integer.MAX_VALUE - 8) + ", got " + maxRecordBytes);
            }
            positive("connectTimeout", connectTimeout, problems);
            positive("requestTimeout", requestTimeout, problems);
            positive("backoffMin", backoffMin, problems);
            positive("backoffMax", backoffMax, problems);
            if (backoffMin != null && backoffMax != null && backoffMin.compareTo(backoffMax) > 0) {
                problems.add("backoff: min " + backoffMin + " is greater than max " + backoffMax);
            }
            if (heartbeatMaxFailures < 1) {
                problems.add("heartbeatMaxFailures: must be at least 1, got " + heartbeatMaxFailures);
            }
            if (heartbeatGrace == null || heartbeatGrace.isNegative()) {
                problems.add("heartbeatGrace: must be zero or positive, got " + heartbeatGrace);
            }
            if (maxRedirects < 0) {
                problems.add("maxRedirects: must be zero or positive, got " + maxRedirects);
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("Invalid Mesos client configuration: " + String.join("; ", problems));
            }
            return new MesosClientConfig(this, uris);
        }

        private static void positive(String name, Duration d, List<String> problems) {
            if (d == null || d.isNegative() || d.isZero()) {
                problems.add(name + ": must be a positive duration, got " + d);
            }
        }

        private void checkTrustStore(List<String> problems) {
            if (trustStore == null) {
                if (trustStorePassword != null) {
                    problems.add("trustStore: a trust store password was given without a trust store path");
                }
                return;
            }
            if (trustStoreType == null || trustStoreType.isBlank()) {
                problems.add("trustStoreType: required with a trust store, e.g. PKCS12 or JKS");
                return;
            }
            if (!Files.isReadable(trustStore)) {
                problems.add("trustStore: " + trustStore + " does not exist or is not readable");
                return;
            }
            try (InputStream in = Files.newInputStream(trustStore)) {
                KeyStore ks = KeyStore.getInstance(trustStoreType);
                ks.load(in, trustStorePassword == null ? null : trustStorePassword.toCharArray());
            } catch (Exception e) {
                problems.add("trustStore: cannot load " + trustStore + " as " + trustStoreType + ": " + e.getMessage());
            }
        }

        private static URI parseMaster(String text, List<String> problems) {
            if (text == null || text.isBlank()) {
                problems.add("masters: empty master URL");
                return null;
            }
            URI u;
            try {
                u = new URI(text.strip());
            } catch (URISyntaxException e) {
                problems.add("masters: '" + text + "' is not a URL: " + e.getMessage());
                return null;
            }
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if ("zk".equals(scheme)) {
                problems.add("masters: '" + text + "': zk:// master URLs (leader detection through ZooKeeper) are not"
                        + " supported yet; list the masters' http(s)://host:port URLs instead");
                return null;
            }
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                problems.add("masters: '" + text + "' must start with http:// or https://");
                return null;
            }
            if (u.getHost() == null) {
                problems.add("masters: '" + text + "' has no host");
                return null;
            }
            if (u.getRawUserInfo() != null) {
                problems.add("masters: '" + scheme + "://" + u.getHost() + "' carries user info; give credentials with"
                        + " credentials(principal, secret) instead of in the URL");
                return null;
            }
            String path = u.getRawPath();
            if ((path != null && !path.isEmpty() && !path.equals("/")) || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                problems.add("masters: '" + text + "' must be a base URL without path, query or fragment, e.g. "
                        + scheme + "://" + u.getHost() + ":" + (u.getPort() < 0 ? DEFAULT_MASTER_PORT : u.getPort()));
                return null;
            }
            int port = u.getPort() < 0 ? DEFAULT_MASTER_PORT : u.getPort();
            return URI.create(scheme + "://" + hostForUri(u.getHost()) + ":" + port);
        }

        private static String hostForUri(String host) {
            return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        }

    }
}
