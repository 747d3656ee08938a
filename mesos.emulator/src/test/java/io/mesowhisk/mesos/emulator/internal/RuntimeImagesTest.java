package io.mesowhisk.mesos.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RuntimeImagesTest {

    private static RuntimeImages of(String... entries) {
        List<RuntimeImages.Entry> list = new ArrayList<>();
        for (String e : entries) {
            list.add(RuntimeImages.parse(e, "test"));
        }
        return RuntimeImages.of(list);
    }

    @Test
    void defaultsServeOpenWhisksNodejsImagesWithAndWithoutRegistryTagAndDigest() {
        RuntimeImages d = RuntimeImages.of(RuntimeImages.defaults());
        for (String image : List.of("openwhisk/action-nodejs-v20", "openwhisk/action-nodejs-v20:1.23.0",
            "openwhisk/action-nodejs-v18:nightly", "docker.io/openwhisk/action-nodejs-v20",
            "registry.example:5000/openwhisk/action-nodejs-v20:latest", "localhost/openwhisk/action-nodejs-v16",
            "openwhisk/action-nodejs-v20@sha256:0123abcd", "openwhisk/nodejs6action", "openwhisk/nodejs8action:latest")) {
            RuntimeImages.Entry e = d.match(image);
            assertNotNull(e, image);
            assertEquals("default", e.source());
            assertEquals(List.of("node", "/p/proxy.js", "--host", "127.0.0.1", "--port", "31001"),
                e.argv(Map.of("nodejs-proxy", "/p/proxy.js", "host", "127.0.0.1", "port", "31001")));
        }
        for (String image : List.of("openwhisk/action-python-v3.11", "busybox", "openwhisk/dockerskeleton",
            "myorg/openwhisk/action-nodejs-v20", "whisk/action-nodejs-v20")) {
            assertNull(d.match(image), image);
        }
    }

    @Test
    void theFirstMatchWinsAndAnEmptyCommandKeepsTheImageSimulated() {
        RuntimeImages r = of("openwhisk/action-nodejs-v18=", "*/action-nodejs-v*=/opt/node/bin/node {nodejs-proxy}",
            "openwhisk/action-nodejs-v*=node x.js");
        assertNull(r.match("openwhisk/action-nodejs-v18:1.0"));
        assertEquals("/opt/node/bin/node", r.match("openwhisk/action-nodejs-v20").command().get(0));
        assertEquals("/opt/node/bin/node", r.match("whisk/action-nodejs-v20").command().get(0));
        assertNull(of("openwhisk/action-nodejs-v2?=node").match("openwhisk/action-nodejs-v2"));
        assertNotNull(of("openwhisk/action-nodejs-v2?=node").match("openwhisk/action-nodejs-v20"));
        // a glob has no regular expression in it
        assertNull(of("a.b=x").match("axb"));
        assertNull(RuntimeImages.NONE.match("openwhisk/action-nodejs-v20"));
    }

    @Test
    void commandsAreSplitAsAShellWouldWithoutRunningOne() {
        assertEquals(List.of("sh", "-c", "echo 'a  b' $PORT", "x y", "q\"", "c"),
            RuntimeImages.words("sh -c \"echo 'a  b' \\$PORT\" 'x y' q\\\" c"));
        assertEquals(List.of("", "a"), RuntimeImages.words("'' a"));
        assertEquals(List.of(), RuntimeImages.words("   "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RuntimeImages.parse("x=sh -c 'oops", "--runtime"))
            .getMessage().contains("'x=sh -c 'oops' (--runtime): the command has an unclosed ' quote"));
    }

    @Test
    void badEntriesAreRefusedNamingThemAndTheirSource() {
        String noPattern = assertThrows(IllegalArgumentException.class,
            () -> RuntimeImages.parse("node proxy.js", "--runtime")).getMessage();
        assertTrue(noPattern.startsWith("runtime image entry 'node proxy.js' (--runtime): expected PATTERN=COMMAND"),
            noPattern);
        assertThrows(IllegalArgumentException.class, () -> RuntimeImages.parse("=node", "--runtime"));
        assertThrows(IllegalArgumentException.class, () -> RuntimeImages.parse("a b=node", "--runtime"));
        String placeholder = assertThrows(IllegalArgumentException.class,
            () -> RuntimeImages.parse("x=node {nodejs-prxy} {port}", "system property p")).getMessage();
        assertTrue(placeholder.contains("(system property p): unknown placeholder {nodejs-prxy}"), placeholder);
    }

    @Test
    void systemPropertiesWinOverTheEnvironmentAsOpenWhiskLayersThem() {
        Properties p = new Properties();
        Map<String, String> env = Map.of("CONFIG_whisk_mesos_local_runtimes_1", "b=two",
            "CONFIG_whisk_mesos_local_runtimes_0", "$RUNTIME_A", "RUNTIME_A", "a=one {port}",
            "CONFIG_whisk_mesos_local_runtimes_2", "");
        List<RuntimeImages.Entry> fromEnv = RuntimeImages.fromSystem(p, env);
        assertEquals(List.of("a=one {port}", "b=two"), fromEnv.stream().map(RuntimeImages.Entry::text).toList());
        assertEquals("environment variable CONFIG_whisk_mesos_local_runtimes_0", fromEnv.get(0).source());

        p.setProperty("whisk.mesos.local.runtimes", "c=three");
        List<RuntimeImages.Entry> fromProps = RuntimeImages.fromSystem(p, env);
        assertEquals(List.of("c=three"), fromProps.stream().map(RuntimeImages.Entry::text).toList());
        assertEquals("system property whisk.mesos.local.runtimes", fromProps.get(0).source());

        p.setProperty("whisk.mesos.local.runtimes.0", "d=four");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RuntimeImages.fromSystem(p, env)).getMessage()
            .contains("given both as one value and as a list"));
        Properties q = new Properties();
        q.setProperty("whisk.mesos.local.runtimes.first", "e=five");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RuntimeImages.fromSystem(q, Map.of()))
            .getMessage().startsWith("system property whisk.mesos.local.runtimes.first: expected"));
        Properties bad = new Properties();
        bad.setProperty("whisk.mesos.local.runtimes.3", "no pattern here");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RuntimeImages.fromSystem(bad, Map.of()))
            .getMessage().contains("(system property whisk.mesos.local.runtimes.3)"));
        assertEquals(List.of(), RuntimeImages.fromSystem(new Properties(), Map.of("CONFIG_whisk_mesos_masterUrl",
            "http://m:5050")));
    }

    @Test
    void aMissingProgramIsFoundBeforeAnyTaskNeedsIt() {
        assertNull(RuntimeImages.missingProgram(RuntimeImages.parse("x=sh -c true", "t"), System.getenv("PATH")));
        assertTrue(RuntimeImages.missingProgram(RuntimeImages.parse("x=no-such-program-here", "t"), "/usr/bin")
            .contains("no-such-program-here is not on the PATH"));
        assertTrue(RuntimeImages.missingProgram(RuntimeImages.parse("x=/nonexistent/node a", "t"), "/usr/bin")
            .contains("/nonexistent/node does not exist"));
        assertNull(RuntimeImages.missingProgram(RuntimeImages.parse("x=", "t"), "/usr/bin"));
    }
}
