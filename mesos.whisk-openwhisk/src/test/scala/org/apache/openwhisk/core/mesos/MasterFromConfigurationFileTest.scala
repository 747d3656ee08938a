package org.apache.openwhisk.core.mesos

import java.io.{BufferedReader, InputStreamReader}
import java.net.URI
import java.net.http.{HttpClient, HttpRequest, HttpResponse}
import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.{LinkedBlockingQueue, TimeUnit}

import scala.concurrent.Await
import scala.concurrent.duration._

import com.typesafe.config.ConfigFactory
import org.apache.openwhisk.common.{PrintStreamLogging, TransactionId}
import org.apache.openwhisk.core.entity.{ByteSize, ExecManifest, InvokerInstanceId, SizeUnits}
import org.apache.pekko.actor.ActorSystem
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

/**
 * A `master-url` in the invoker's configuration files reaches the bundles through ConfigAdmin, before the adapter
 * starts (so local mode is never in force: `EmbeddedFrameworkTest`), and `instance()` returns the factory of that
 * master. The master is the standalone Mesos emulator, run as a process of its own.
 */
class MasterFromConfigurationFileTest {

  private implicit val tid: TransactionId = TransactionId.testing
  private implicit val logging: PrintStreamLogging = new PrintStreamLogging()
  private val deadline = 120.seconds
  private val Leader = """.*leading master at (http://\S+) .*""".r

  @Test
  def theFactoryInstanceReturnsIsTheConfiguredMastersOne(): Unit = {
    val jar = Paths.get(System.getProperty("mesos.emulator.jar", "../mesos.emulator/target/mesos-emulator.jar"))
    assertTrue(Files.isRegularFile(jar), s"the standalone emulator $jar (built by mesos.emulator)")
    val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString
    val emulator = new ProcessBuilder(java, "-jar", jar.toString, "--port", "0", "--agents", "1", "--allocation", "50ms")
      .redirectErrorStream(true)
      .start()
    val cache = Files.createTempDirectory("mesowhisk-invoker-master")
    try {
      val master = leader(emulator)
      val typesafe = ConfigFactory
        .parseString(s"""whisk.mesos-provider.bundle-cache = "${cache.toString.replace("\\", "/")}"
                        |whisk.mesos-provider.start-timeout = 2 minutes
                        |whisk.mesos.master-url = "$master"""".stripMargin)
        .withFallback(ConfigFactory.load())
      implicit val system: ActorSystem = ActorSystem("MasterFromConfigurationFileTest", typesafe)
      try {
        val factory = MesosContainerFactoryProvider
          .instance(system, logging, null, InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)), Map.empty)
        try {
          factory.init()
          val image = ExecManifest.ImageName("action-nodejs-v20", None, Some("openwhisk"), Some("nightly"))
          val container = Await
            .result(
              factory.createContainer(tid, "wsk0_1_guest_hello", image, false, ByteSize(256, SizeUnits.MB), 256, None)(
                null,
                logging),
              deadline)
            .asInstanceOf[MesosContainer]
          val state = HttpClient
            .newHttpClient()
            .send(HttpRequest.newBuilder(URI.create(s"$master/state")).build(), HttpResponse.BodyHandlers.ofString())
            .body()
          assertTrue(state.contains(container.containerId.asString), s"launched at the configured master: $state")
          Await.result(container.destroy(), deadline)
        } finally factory.cleanup()
      } finally Await.result(system.terminate(), deadline)
    } finally {
      emulator.descendants().forEach(p => p.destroy())
      emulator.destroy()
      emulator.waitFor(30, TimeUnit.SECONDS)
      deleteRecursively(cache)
    }
  }

  /** The leading master's URL, as the emulator prints it; its further output is drained in the background. */
  private def leader(emulator: Process): String = {
    val lines = new LinkedBlockingQueue[String]()
    val drain = new Thread(() => {
      val in = new BufferedReader(new InputStreamReader(emulator.getInputStream))
      Iterator.continually(in.readLine()).takeWhile(_ != null).foreach(lines.add)
    }, "emulator-output")
    drain.setDaemon(true)
    drain.start()
    val end = System.nanoTime() + 60.seconds.toNanos
    while (System.nanoTime() < end) {
      Option(lines.poll(100, TimeUnit.MILLISECONDS)).foreach {
        case Leader(url) => return url
        case _           =>
      }
      if (!emulator.isAlive && lines.isEmpty) fail[Unit](s"the emulator ended with exit code ${emulator.exitValue()}")
    }
    fail[String]("the emulator printed no leading master within 60 s")
  }

  private def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) Files.walk(path).sorted(java.util.Comparator.reverseOrder()).forEach(p => Files.deleteIfExists(p))
}
