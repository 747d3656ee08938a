package org.apache.openwhisk.core.mesos

import java.nio.file.{Files, Path}
import java.util.concurrent.TimeUnit

import scala.concurrent.Await
import scala.concurrent.duration._
import scala.jdk.CollectionConverters._

import com.typesafe.config.ConfigFactory
import io.mesowhisk.whisk.ActionResult
import org.apache.openwhisk.common.{PrintStreamLogging, TransactionId}
import org.apache.openwhisk.core.WhiskConfig
import org.apache.openwhisk.core.containerpool.WhiskContainerStartupError
import org.apache.openwhisk.core.entity.{ByteSize, ExecManifest, InvokerInstanceId, SizeUnits}
import org.apache.pekko.actor.ActorSystem
import org.apache.pekko.stream.scaladsl.Sink
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

/**
 * The plug-in as an invoker uses it, in local mode (no master-url: the embedded emulator runs OpenWhisk's Node.js
 * image as a local `node` process): instance() → init() → createContainer → the project's own /init and /run client →
 * logs → destroy → cleanup(), then no thread of ours is left.
 */
class LocalModeEndToEndTest {

  private implicit val tid: TransactionId = TransactionId.testing
  private implicit val logging: PrintStreamLogging = new PrintStreamLogging()
  private val config: WhiskConfig = null // the plug-in reads nothing from it but the API host (empty here)
  private val deadline = 120.seconds

  @Test
  def createInitRunLogsDestroyInLocalMode(): Unit = {
    val before = Thread.getAllStackTraces.keySet().asScala.toSet
    val cache = Files.createTempDirectory("mesowhisk-invoker-test")
    val typesafe = ConfigFactory
      .parseString(s"""whisk.mesos-provider.bundle-cache = "${cache.toString.replace("\\", "/")}"
                      |whisk.mesos-provider.start-timeout = 2 minutes
                      |whisk.mesos.mesos-link-log-message = false""".stripMargin)
      .withFallback(ConfigFactory.load())
    exercise(typesafe)

    // nothing of ours keeps running: no thread the test started remains, apart from the JDK's shared ones
    val jdk = Set("process reaper", "ForkJoinPool.commonPool", "Common-Cleaner", "Attach Listener", "CompletableFutureDelayScheduler")
    val end = System.nanoTime() + deadline.toNanos
    var left = Set.empty[String]
    do {
      left = Thread.getAllStackTraces.keySet().asScala.toSet
        .filter(t => t.isAlive && !before.contains(t) && !jdk.exists(t.getName.startsWith))
        .map(t => t.getName + (if (t.isDaemon) " (daemon)" else ""))
      if (left.nonEmpty) {
        // a java.net.http.HttpClient (Java 17 has no close()) ends its selector thread once it is collected
        System.gc()
        Thread.sleep(100)
      }
    } while (left.nonEmpty && System.nanoTime() < end)
    assertEquals(Set.empty, left, "threads left after cleanup() and the actor system's termination")
    deleteRecursively(cache)
  }

  /** Everything the invoker does, in a frame of its own: nothing it created is reachable once it returns. */
  private def exercise(typesafe: com.typesafe.config.Config): Unit = {
    implicit val system: ActorSystem = ActorSystem("LocalModeEndToEndTest", typesafe)
    try {
      val started = System.nanoTime()
      val factory = MesosContainerFactoryProvider.instance(
        system,
        logging,
        config,
        InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)),
        Map("--cap-drop" -> Set("NET_RAW", "NET_ADMIN"), "--pids-limit" -> Set("1024"), "--log-driver" -> Set("json-file")))
      println(s"instance() returned in ${TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)} ms")
      assertSame(
        factory,
        MesosContainerFactoryProvider.instance(system, logging, config, InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)), Map.empty),
        "started once")
      factory.init()

      val image = ExecManifest.ImageName("action-nodejs-v20", None, Some("openwhisk"), Some("nightly"))
      val container = Await
        .result(
          factory.createContainer(tid, "wsk0_1_guest_hello", image, false, ByteSize(256, SizeUnits.MB), 256, None)(config, logging),
          deadline)
        .asInstanceOf[MesosContainer]
      assertTrue(container.containerId.asString.startsWith("whisk-invoker0-"), container.containerId.asString)

      val whisk = container.whisk
      val code = "function main(p) { console.log('hello ' + p.name); console.error('to stderr'); return { greeting: 'hello ' + p.name }; }"
      val init = whisk
        .initialize(s"""{"name":"hello","main":"main","binary":false,"code":${quote(code)},"env":{}}""", java.time.Duration.ofSeconds(60), 1)
        .toCompletableFuture
        .get(deadline.toSeconds, TimeUnit.SECONDS)
      assertTrue(init.ok(), init.toString)
      val run = whisk
        .run(
          """{"name":"mesos"}""",
          Map("namespace" -> "\"guest\"", "action_name" -> "\"/guest/hello\"", "activation_id" -> "\"0123456789abcdef\"").asJava,
          java.time.Duration.ofSeconds(60),
          1,
          1024 * 1024,
          false)
        .toCompletableFuture
        .get(deadline.toSeconds, TimeUnit.SECONDS)
      assertEquals(ActionResult.Kind.OK, run.kind(), run.toString)
      assertTrue(run.body().orElse("").contains("hello mesos"), run.toString)

      val logs = Await
        .result(container.logs(ByteSize(1, SizeUnits.MB), waitForSentinel = true).runWith(Sink.seq), deadline)
        .map(_.utf8String)
      assertTrue(logs.exists(l => l.contains("hello mesos") && l.contains("\"stream\":\"stdout\"")), logs.mkString("\n"))
      assertTrue(logs.exists(l => l.contains("to stderr") && l.contains("\"stream\":\"stderr\"")), logs.mkString("\n"))
      assertFalse(logs.exists(_.contains("XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX")), "sentinel lines are left out")

      Await.result(container.destroy(), deadline)
      factory.cleanup()

      val after = Await.ready(
        factory.createContainer(tid, "wsk0_2_guest_hello", image, false, ByteSize(256, SizeUnits.MB), 256, None)(config, logging),
        deadline)
      assertTrue(after.value.get.failed.get.isInstanceOf[WhiskContainerStartupError], after.value.toString)
    } finally {
      Await.result(system.terminate(), deadline)
    }

  }

  private def quote(s: String): String =
    "\"" + s.flatMap {
      case '"'  => "\\\""
      case '\\' => "\\\\"
      case '\n' => "\\n"
      case c    => c.toString
    } + "\""

  private def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) Files.walk(path).sorted(java.util.Comparator.reverseOrder()).forEach(p => Files.deleteIfExists(p))
}
