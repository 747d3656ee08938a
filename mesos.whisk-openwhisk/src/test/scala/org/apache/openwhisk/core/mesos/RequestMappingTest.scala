package org.apache.openwhisk.core.mesos

import java.util.OptionalDouble
import java.util.concurrent.CompletionException

import scala.jdk.CollectionConverters._

import io.mesowhisk.whisk.{ContainerException, ContainerRequest}
import org.apache.openwhisk.common.TransactionId
import org.apache.openwhisk.core.containerpool.{BlackboxStartupError, WhiskContainerStartupError}
import org.apache.openwhisk.core.entity.{ByteSize, ExecManifest, InvokerInstanceId, SizeUnits}
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

class RequestMappingTest {

  private val invoker = InvokerInstanceId(3, userMemory = ByteSize(2048, SizeUnits.MB))
  private val parameters = Map(
    "--cap-drop" -> Set("NET_RAW", "NET_ADMIN"),
    "--ulimit" -> Set("nofile=1024:1024"),
    "--pids-limit" -> Set("1024"),
    "--log-driver" -> Set("json-file"))
  private val settings = ContainerSettings(
    network = "whisknet",
    dnsServers = Seq("10.0.0.2", "10.0.0.3"),
    dnsSearch = Seq("whisk.local"),
    dnsOptions = Seq("ndots:2"),
    extraEnvVars = Seq("__OW_ALLOW_CONCURRENT=true", "BARE", "A=b=c"),
    extraArgs = Map("label" -> Set("team=whisk"), "security-opt" -> Set("no-new-privileges")),
    runtimesRegistry = Some("registry.example:5000"),
    userImagesRegistry = Some("users.example"))

  private def request(image: ExecManifest.ImageName = ExecManifest.ImageName("action-nodejs-v20", None, Some("openwhisk"), Some("1.2")),
                      userProvided: Boolean = false,
                      memory: ByteSize = ByteSize(256, SizeUnits.MB),
                      cpuShares: Int = 128,
                      cpuLimit: Option[Double] = None,
                      apiHost: Option[String] = Some("https://api.example:443")): ContainerRequest =
    RequestMapping.request(
      TransactionId.testing,
      "wsk3_17_guest_hello",
      image,
      userProvided,
      memory,
      cpuShares,
      cpuLimit,
      invoker,
      parameters,
      settings,
      apiHost)

  @Test
  def everyArgumentReachesTheRequest(): Unit = {
    val r = request()
    assertEquals("sid_testing", r.transactionId())
    assertEquals("wsk3_17_guest_hello", r.name())
    assertEquals("registry.example:5000/openwhisk/action-nodejs-v20:1.2", r.image())
    assertFalse(r.userProvided())
    assertEquals(256L, r.memoryMb())
    assertEquals(128, r.cpuShares())
    assertEquals(OptionalDouble.empty(), r.cpuLimit())
    assertEquals(0.125, r.cpus())
    assertEquals("invoker3", r.invoker())
    assertEquals(parameters.map { case (k, v) => k -> v.asJava }.asJava, r.dockerParameters())
    val args = r.args()
    assertEquals("whisknet", args.network())
    assertEquals(List("10.0.0.2", "10.0.0.3").asJava, args.dnsServers())
    assertEquals(List("whisk.local").asJava, args.dnsSearch())
    assertEquals(List("ndots:2").asJava, args.dnsOptions())
    assertEquals("https://api.example:443", r.apiHost())
    assertEquals(
      Map(
        "__OW_ALLOW_CONCURRENT" -> "true",
        "BARE" -> "",
        "A" -> "b=c").asJava,
      args.extraEnv())
    assertEquals(Map("label" -> Set("team=whisk").asJava, "security-opt" -> Set("no-new-privileges").asJava).asJava, args.extraArgs())
  }

  @Test
  def memoryGoesAsWholeMegabytes(): Unit = {
    assertEquals(1024L, request(memory = ByteSize(1, SizeUnits.GB)).memoryMb())
    assertEquals(512L, request(memory = ByteSize(512L * 1024, SizeUnits.KB)).memoryMb())
  }

  @Test
  def theCpuLimitWinsOverTheShares(): Unit = {
    val r = request(cpuLimit = Some(1.5))
    assertEquals(OptionalDouble.of(1.5), r.cpuLimit())
    assertEquals(1.5, r.cpus())
  }

  @Test
  def imagesAreResolvedAgainstTheirRegistry(): Unit = {
    // a blackbox image gets the user-images registry, a managed one the runtimes registry
    assertEquals("users.example/alice/my-action", request(ExecManifest.ImageName("my-action", None, Some("alice"), None), userProvided = true).image())
    // the image's own registry wins over the configured one
    assertEquals(
      "own.example/ns/img:7",
      request(ExecManifest.ImageName("img", Some("own.example"), Some("ns"), Some("7")), userProvided = true).image())
    val noRegistries = settings.copy(runtimesRegistry = Some(""), userImagesRegistry = None)
    val r = RequestMapping.request(TransactionId.testing, "n", ExecManifest.ImageName("action-python-v3.11", None, Some("openwhisk"), Some("nightly")),
      false, ByteSize(128, SizeUnits.MB), 2, None, invoker, Map.empty, noRegistries, None)
    assertEquals("openwhisk/action-python-v3.11:nightly", r.image())
    assertEquals("", r.apiHost(), "no API host known: none given")
  }

  @Test
  def theInvokerNameIsUsableInTaskIds(): Unit = {
    assertEquals("invoker0", RequestMapping.invokerName(InvokerInstanceId(0, userMemory = ByteSize(1, SizeUnits.GB))))
    assertEquals(
      "invoker12-whisk-invoker-2.pod",
      RequestMapping.invokerName(InvokerInstanceId(12, Some("whisk-invoker-2.pod"), Some("x"), ByteSize(1, SizeUnits.GB))))
    assertEquals("invoker1-ab", RequestMapping.invokerName(InvokerInstanceId(1, Some("a b/ü"), None, ByteSize(1, SizeUnits.GB))))
  }

  @Test
  def badArgumentsAreRefusedNamingThem(): Unit = {
    val e = assertThrows(classOf[IllegalArgumentException], () => request(memory = ByteSize(512, SizeUnits.KB), cpuShares = 0))
    assertTrue(e.getMessage.contains("memoryMb must be positive (was 0)"), e.getMessage)
    assertTrue(e.getMessage.contains("cpuShares must be positive"), e.getMessage)
    assertEquals(
      WhiskContainerStartupError(s"the container cannot be created: ${e.getMessage}"),
      RequestMapping.failure(e, None))
  }

  @Test
  def failuresMapOntoOpenWhisksTypes(): Unit = {
    val r = Some(request())
    def mapped(kind: ContainerException.Kind, message: String) =
      RequestMapping.failure(new CompletionException(new ContainerException(kind, message)), r)

    assertEquals(BlackboxStartupError("docker pull failed: no such image alice/x"), mapped(ContainerException.Kind.BLACKBOX_STARTUP, "docker pull failed: no such image alice/x"))
    assertEquals(WhiskContainerStartupError("docker run failed"), mapped(ContainerException.Kind.WHISK_STARTUP, "docker run failed"))
    val capacity = "no offer fits: asked cpus 0.125, mem 256 MB, 1 port; largest offer cpus 0.1, mem 128 MB"
    assertEquals(WhiskContainerStartupError(capacity), mapped(ContainerException.Kind.CLUSTER_RESOURCES, capacity))
    assertEquals(
      WhiskContainerStartupError(
        "the Mesos container factory is stopped, container wsk3_17_guest_hello (image registry.example:5000/openwhisk/action-nodejs-v20:1.2) was not created: cleaned up"),
      mapped(ContainerException.Kind.STOPPED, "cleaned up"))
    assertEquals(WhiskContainerStartupError("init refused"), mapped(ContainerException.Kind.INITIALIZATION, "init refused"))
    assertEquals(
      WhiskContainerStartupError(
        "container wsk3_17_guest_hello (image registry.example:5000/openwhisk/action-nodejs-v20:1.2) was not created: java.lang.IllegalStateException: boom"),
      RequestMapping.failure(new IllegalStateException("boom"), r))
  }
}
