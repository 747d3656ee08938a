package io.mesowhisk.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mesowhisk.whisk.ActionResult;
import io.mesowhisk.whisk.ContainerEnd;
import io.mesowhisk.whisk.ContainerRequest;
import io.mesowhisk.whisk.LogResult;
import io.mesowhisk.whisk.WhiskContainer;
import io.mesowhisk.whisk.WhiskContainerFactory;
import io.mesowhisk.whisk.WhiskMesosConfig;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Local mode in Felix: no master URL, so the embedded emulator runs and the container factory subscribes to it;
 * OpenWhisk's Node.js image runs the project's action proxy as a real process (node on the PATH). Create, /init,
 * /run, logs from the sandbox to the sentinel, destroy — through the service, then through the Gogo commands.
 */
class WhiskLocalModeIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String CODE = "function main(p) { console.log('hello ' + p.name); "
            + "return {greeting: 'Hello ' + p.name}; }";

    private final OsgiContext osgi = new OsgiContext();

    @AfterEach
    void close() throws Exception {
        osgi.deleteConfiguration(WhiskMesosConfig.PID);
        osgi.close();
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private void logsFromTheSandbox() throws Exception {
        Configuration c = osgi.service(ConfigurationAdmin.class).getConfiguration(WhiskMesosConfig.PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("mesos-link-log-message", "false");
        c.update(p);
        Supplier<WhiskMesosConfig> config = osgi.current(WhiskMesosConfig.class);
        Await.until("configuration applied", DEADLINE, () -> !config.get().current().mesosLinkLogMessage());
    }

    @Test
    void createInitRunLogsDestroyOnTheEmbeddedEmulator() throws Exception {
        logsFromTheSandbox();
        WhiskContainerFactory factory = Await.value("the container factory in local mode", DEADLINE,
                osgi.current(WhiskContainerFactory.class)::get);
        WhiskContainer c = await(factory.createContainer(ContainerRequest.builder().name("itest")
                .image("openwhisk/action-nodejs-v20").memoryMb(128).cpuShares(128).invoker("itest").build()));
        ActionResult init = await(c.initialize("{\"name\":\"hello\",\"main\":\"main\",\"code\":\"" + CODE + "\"}",
                Duration.ofSeconds(30), 1));
        assertEquals(ActionResult.Kind.OK, init.kind(), init.toString());
        ActionResult run = await(c.run("{\"name\":\"Felix\"}", Map.of(), Duration.ofSeconds(30), 1, 65536, true));
        assertEquals("{\"greeting\":\"Hello Felix\"}", run.body().orElseThrow());
        LogResult logs = await(c.logs(65536, true));
        assertTrue(logs.sentinelSeen() && logs.lines().size() == 1 && logs.lines().get(0).contains("hello Felix"),
                logs.toString());
        await(c.destroy());
        ContainerEnd end = await(c.terminated());
        assertEquals("TASK_KILLED", end.state());
    }

    @Test
    void theGogoCommandsDriveAContainer() throws Exception {
        logsFromTheSandbox();
        Await.value("the container factory in local mode", DEADLINE, osgi.current(WhiskContainerFactory.class)::get);
        ServiceReference<?>[] refs = osgi.bundleContext().getServiceReferences((String) null,
                "(&(osgi.command.scope=whisk)(osgi.command.function=create))");
        assertEquals(1, refs.length);
        Object commands = osgi.bundleContext().getService(refs[0]);
        Object created = call(commands, "create", 128L, 128, false, "openwhisk/action-nodejs-v20");
        String id = (String) created.getClass().getMethod("id").invoke(created);
        assertTrue(call(commands, "list").toString().contains(id));
        assertTrue(call(commands, "init", "main", 30, id, CODE).toString().startsWith("OK (HTTP 200"));
        assertEquals("OK", call(commands, "run", 30, id, new String[] {"{\"name\":\"Gogo\"}"}).toString()
                .substring(0, 2));
        String logs = call(commands, "logs", 10240L, false, id).toString();
        assertEquals("stdout: hello Gogo\n(end of activation)", logs);
        assertTrue(call(commands, "destroy", id).toString().startsWith(id + " ended TASK_KILLED"));
        // gone from the list the moment destroy answers: the factory forgets a container before its end is told
        assertEquals("no containers", call(commands, "list").toString());
    }

    private static Object call(Object target, String name, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                return m.invoke(target, args);
            }
        }
        throw new AssertionError("no command " + name + "/" + args.length);
    }
}
