package org.apache.openwhisk.core.mesos

import java.nio.file.Paths
import java.util.Properties

import scala.concurrent.duration._

import com.typesafe.config.{ConfigFactory, ConfigParseOptions}
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

class SettingsTest {

  private def file(text: String) = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("application.conf"))

  @Test
  def onlyFileValuesBecomeTheConfigAdminLayer(): Unit = {
    val props = new Properties()
    props.setProperty("whisk.mesos.master-url", "http://from-system-property:5050")
    val config = ConfigFactory
      .parseProperties(props, ConfigParseOptions.defaults().setOriginDescription("system properties"))
      .withFallback(file("""
        whisk.mesos {
          master-url = "http://from-file:5050"
          role = openwhisk
          timeouts { task-launch = 45 seconds }
          constraints = ["zone LIKE us-east-.*", "rack UNLIKE r9"]
          teardown-on-exit = false
          heartbeat-max-failures = 4
        }"""))
      .resolve()
    val layer = WhiskMesosLayer(config)
    assertEquals(Set("role", "timeouts.task-launch", "constraints", "teardown-on-exit", "heartbeat-max-failures",
      WhiskMesosLayer.Origin), layer.keySet)
    assertEquals("the invoker's configuration files", layer(WhiskMesosLayer.Origin))
    assertEquals("openwhisk", layer("role"))
    assertEquals("45 seconds", layer("timeouts.task-launch"))
    assertEquals(List("zone LIKE us-east-.*", "rack UNLIKE r9"), layer("constraints").asInstanceOf[Array[String]].toList)
    assertEquals("false", layer("teardown-on-exit"))
    assertEquals("4", layer("heartbeat-max-failures"))
    assertEquals(Map.empty, WhiskMesosLayer(file("whisk.other = 1")))
  }

  @Test
  def containerSettingsAreReadAsOpenWhiskReadsThem(): Unit = {
    val s = ContainerSettings(file("""
      whisk.container-factory {
        container-args {
          network = whisknet
          dns-servers = ["10.0.0.2"]
          dns-search = []
          extra-env-vars = ["__OW_ALLOW_CONCURRENT=true"]
          extra-args { "label" = ["a=b", "c=d"], "add-host" = ["db:10.0.0.9"] }
        }
        runtimes-registry { url = "" }
        user-images-registry { url = "users.example" }
      }"""))
    assertEquals("whisknet", s.network)
    assertEquals(Seq("10.0.0.2"), s.dnsServers)
    assertEquals(Nil, s.dnsSearch)
    assertEquals(Nil, s.dnsOptions)
    assertEquals(Map("__OW_ALLOW_CONCURRENT" -> "true"), s.extraEnvVarMap)
    assertEquals(Map("label" -> Set("a=b", "c=d"), "add-host" -> Set("db:10.0.0.9")), s.extraArgs)
    assertEquals(None, s.registry(userProvidedImage = false))
    assertEquals(Some("users.example"), s.registry(userProvidedImage = true))
    assertEquals(ContainerSettings.Default, ContainerSettings(file("")))
  }

  @Test
  def providerSettingsHaveDefaultsAndNameABadValue(): Unit = {
    val defaults = ProviderSettings(file(""), 7)
    assertEquals(Paths.get(System.getProperty("java.io.tmpdir"), "mesowhisk-invoker7"), defaults.bundleCache)
    assertEquals(30.seconds, defaults.startTimeout)
    val set = ProviderSettings(file("whisk.mesos-provider { bundle-cache = /var/cache/mw, start-timeout = 2 minutes }"), 0)
    assertEquals(Paths.get("/var/cache/mw"), set.bundleCache)
    assertEquals(2.minutes, set.startTimeout)
    val e = assertThrows(classOf[IllegalArgumentException], () => ProviderSettings(file("whisk.mesos-provider.start-timeout = soon"), 0))
    assertTrue(e.getMessage.startsWith("whisk.mesos-provider.start-timeout = \"soon\""), e.getMessage)
  }

  @Test
  def theApiHostFallsBackToTheInvokersEnvironment(): Unit = {
    assertEquals(None, MesosContainerFactoryProvider.apiHost(null, Map.empty))
    assertEquals(
      Some("http://edge.example:8080"),
      MesosContainerFactoryProvider.apiHost(null, Map("WHISK_API_HOST_NAME" -> "edge.example", "WHISK_API_HOST_PROTO" -> "http", "WHISK_API_HOST_PORT" -> "8080")))
    assertEquals(Some("https://edge.example"), MesosContainerFactoryProvider.apiHost(null, Map("WHISK_API_HOST_NAME" -> "edge.example")))
  }
}
