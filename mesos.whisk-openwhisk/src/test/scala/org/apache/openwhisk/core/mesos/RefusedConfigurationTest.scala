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
    val cache = Files.createTempDirectory("mesowhisk-invoker-refused")
    val typesafe = ConfigFactory
      .parseString(s"""whisk.mesos-provider.bundle-cache = "${cache.toString.replace("\\", "/")}"
                      |whisk.mesos-provider.start-timeout = 10 minutes""".stripMargin)
      .withFallback(ConfigFactory.load())
    // as the invoker's start script passes CONFIG_whisk_mesos_teardownOnExit=perhaps
    System.setProperty("whisk.mesos.teardown-on-exit", "perhaps")
    val system = ActorSystem("RefusedConfigurationTest", typesafe)
    try {
      val e = assertThrows(
        classOf[IllegalStateException],
        () =>
          MesosContainerFactoryProvider
            .instance(system, logging, null, InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)), Map.empty))
      assertTrue(
        e.getMessage.startsWith("the Mesos container factory did not start: invalid whisk.mesos configuration: " +
          "whisk.mesos.teardown-on-exit = \"perhaps\" (from system property whisk.mesos.teardown-on-exit): " +
          "expected true or false"),
        e.getMessage)
      // the refusal ended the wait, not the ten minutes of start-timeout
      assertTrue(e.getMessage.endsWith("(every bundle is active, so the configuration must change)"), e.getMessage)
    } finally {
      System.clearProperty("whisk.mesos.teardown-on-exit")
      Await.result(system.terminate(), 60.seconds)
      deleteRecursively(cache)
    }
  }

  @Test
  def aValueOfTheInvokersConfigurationFilesRefusedFailsAtOnceToo(): Unit = {
    val cache = Files.createTempDirectory("mesowhisk-invoker-refused")
    // the adapter starts with its defaults in force; the invoker's files then bring a value it refuses
    val typesafe = ConfigFactory
      .parseString(s"""whisk.mesos-provider.bundle-cache = "${cache.toString.replace("\\", "/")}"
                      |whisk.mesos-provider.start-timeout = 10 minutes
                      |whisk.mesos.teardown-on-exit = perhaps""".stripMargin)
      .withFallback(ConfigFactory.load())
    val system = ActorSystem("RefusedConfigurationTest", typesafe)
    try {
      val e = assertThrows(
        classOf[IllegalStateException],
        () =>
          MesosContainerFactoryProvider
            .instance(system, logging, null, InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB)), Map.empty))
      assertTrue(e.getMessage.contains("whisk.mesos.teardown-on-exit = \"perhaps\""), e.getMessage)
      assertTrue(e.getMessage.endsWith("(every bundle is active, so the configuration must change)"), e.getMessage)
    } finally {
      Await.result(system.terminate(), 60.seconds)
      deleteRecursively(cache)
    }
  }

  private def deleteRecursively(path: Path): Unit =
    if (Files.exists(path)) Files.walk(path).sorted(java.util.Comparator.reverseOrder()).forEach(p => Files.deleteIfExists(p))
}
