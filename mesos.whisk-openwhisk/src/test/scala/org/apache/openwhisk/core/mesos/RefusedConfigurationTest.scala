package org.apache.openwhisk.core.mesos

import java.nio.file.{Files, Path}

import scala.concurrent.Await
import scala.concurrent.duration._

import com.typesafe.config.ConfigFactory
import org.apache.openwhisk.common.PrintStreamLogging
import org.apache.openwhisk.core.entity.{ByteSize, InvokerInstanceId, SizeUnits}
import org.apache.pekko.actor.ActorSystem
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

/**
 * An invoker whose `whisk.mesos` settings the adapter refuses: `instance()` fails with the adapter's reason (key,
 * value, source, what was expected), not with a bare "no service within ..." timeout, and as soon as the refusal
 * cannot heal (every bundle active), not after `start-timeout`.
 */
class RefusedConfigurationTest {

  private implicit val logging: PrintStreamLogging = new PrintStreamLogging()

  @Test
  def instanceFailsWithTheAdaptersReason(): Unit = {
    // as the invoker's start script passes CONFIG_whisk_mesos_teardownOnExit=perhaps
    System.setProperty("whisk.mesos.teardown-on-exit", "perhaps")
    val message =
      try refusal(invokerFiles = "")
      finally System.clearProperty("whisk.mesos.teardown-on-exit")
    assertTrue(
      message.startsWith("the Mesos container factory did not start: invalid whisk.mesos configuration: " +
        "whisk.mesos.teardown-on-exit = \"perhaps\" (from system property whisk.mesos.teardown-on-exit): " +
        "expected true or false"),
      message)
    // the refusal ended the wait, not the ten minutes of start-timeout
    assertTrue(message.endsWith("(every bundle is active, so the configuration must change)"), message)
  }

  @Test
  def aValueOfTheInvokersConfigurationFilesRefusedFailsAtOnceToo(): Unit = {
    // the invoker's files are in ConfigAdmin before the adapter starts: it refuses them at its first look, and
    // names them as the value's source
    val message = refusal(invokerFiles = "whisk.mesos.teardown-on-exit = perhaps")
    assertTrue(message.contains("whisk.mesos.teardown-on-exit = \"perhaps\" (from ConfigAdmin, the invoker's " +
      "configuration files"), message)
    assertTrue(message.endsWith("(every bundle is active, so the configuration must change)"), message)
  }

  /** The message `instance()` fails with, for an invoker with these lines in its files and 10 minutes to start. */
  private def refusal(invokerFiles: String): String = {
    val cache = Files.createTempDirectory("mesowhisk-invoker-refused")
    val typesafe = ConfigFactory
      .parseString(s"""whisk.mesos-provider.bundle-cache = "${cache.toString.replace("\\", "/")}"
                      |whisk.mesos-provider.start-timeout = 10 minutes
                      |$invokerFiles""".stripMargin)
      .withFallback(ConfigFactory.load())
    val system = ActorSystem("RefusedConfigurationTest", typesafe)
    try {
      assertThrows(
        classOf[IllegalStateException],
        () =>
          MesosContainerFactoryProvider
            .instance(system, logging, null, InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)), Map.empty)).getMessage
    } finally {
      Await.result(system.terminate(), 60.seconds)
      deleteRecursively(cache)
    }
  }

  private def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) Files.walk(path).sorted(java.util.Comparator.reverseOrder()).forEach(p => Files.deleteIfExists(p))
}
