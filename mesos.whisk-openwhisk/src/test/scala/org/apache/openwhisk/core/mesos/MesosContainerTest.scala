package org.apache.openwhisk.core.mesos

import java.time.Duration
import java.util.concurrent.{CompletableFuture, CompletionStage, ConcurrentLinkedQueue}

import scala.concurrent.Await
import scala.concurrent.duration._
import scala.jdk.CollectionConverters._

import io.mesowhisk.whisk._
import org.apache.openwhisk.common.{PrintStreamLogging, TransactionId}
import org.apache.openwhisk.core.containerpool.ContainerId
import org.apache.openwhisk.core.entity.{ByteSize, SizeUnits}
import org.apache.pekko.actor.ActorSystem
import org.apache.pekko.stream.scaladsl.Sink
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.{AfterAll, Test, TestInstance}

/** The OpenWhisk container over a WhiskContainer that records what it is asked (our API, not Mesos). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MesosContainerTest {

  private implicit val system: ActorSystem = ActorSystem("MesosContainerTest")
  private implicit val tid: TransactionId = TransactionId.testing
  private implicit val logging: PrintStreamLogging = new PrintStreamLogging()

  @AfterAll
  def stop(): Unit = Await.result(system.terminate(), 30.seconds)

  private class Recording(logs: CompletionStage[LogResult]) extends WhiskContainer {
    val calls = new ConcurrentLinkedQueue[String]()
    def id(): String = "whisk-invoker0-1764800000-1"
    def address(): ContainerAddress = new ContainerAddress("agent-1.example", 31005)
    def initialize(json: String, timeout: Duration, maxConcurrent: Int): CompletionStage[ActionResult] = fail("not ours")
    def run(p: String, e: java.util.Map[String, String], t: Duration, m: Int, r: Long, tr: Boolean): CompletionStage[ActionResult] =
      fail("not ours")
    def logs(limitBytes: Long, waitForSentinel: Boolean): CompletionStage[LogResult] = {
      calls.add(s"logs $limitBytes $waitForSentinel"); logs
    }
    def suspend(): CompletionStage[Void] = { calls.add("suspend"); CompletableFuture.completedFuture(null) }
    def resume(): CompletionStage[Void] = { calls.add("resume"); CompletableFuture.completedFuture(null) }
    def destroy(): CompletionStage[Void] = { calls.add("destroy"); CompletableFuture.completedFuture(null) }
    def terminated(): CompletionStage[ContainerEnd] = new CompletableFuture[ContainerEnd]()
  }

  private val lines = List(
    """{"log":"hello\n","stream":"stdout","time":"2026-12-04T19:00:00.000Z"}""",
    """{"log":"warn\n","stream":"stderr","time":"2026-12-04T19:00:00.001Z"}""")

  @Test
  def idAddressAndOperationsGoToOurContainer(): Unit = {
    val whisk = new Recording(CompletableFuture.completedFuture(new LogResult(lines.asJava, false, true)))
    val container = new MesosContainer(whisk)
    assertEquals(ContainerId("whisk-invoker0-1764800000-1"), container.containerId)
    assertEquals("agent-1.example", container.addr.host)
    assertEquals(31005, container.addr.port)

    val logged = Await.result(container.logs(ByteSize(10, SizeUnits.MB), waitForSentinel = true).runWith(Sink.seq), 30.seconds)
    assertEquals(lines, logged.map(_.utf8String).toList, "one JSON log line per element")

    Await.result(container.suspend(), 30.seconds)
    Await.result(container.resume(), 30.seconds)
    Await.result(container.destroy(), 30.seconds)
    assertEquals(List("logs 10485760 true", "suspend", "resume", "destroy"), whisk.calls.asScala.toList)
  }

  @Test
  def aLogFailureFailsTheStream(): Unit = {
    val failed = new CompletableFuture[LogResult]()
    failed.completeExceptionally(new IllegalStateException("http://agent-1.example:5051/files/read answered 404"))
    val container = new MesosContainer(new Recording(failed))
    val e = assertThrows(
      classOf[IllegalStateException],
      () => Await.result(container.logs(ByteSize(1, SizeUnits.MB), waitForSentinel = false).runWith(Sink.seq), 30.seconds))
    assertTrue(e.getMessage.contains("404"), e.getMessage)
  }

  private def fail[T](what: String): CompletionStage[T] = {
    val f = new CompletableFuture[T]()
    f.completeExceptionally(new AssertionError(what))
    f
  }
}
