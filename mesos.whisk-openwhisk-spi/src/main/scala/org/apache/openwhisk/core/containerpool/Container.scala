// Compile-only declaration: the binary name and signatures of OpenWhisk master 1fae641a2b30, no behaviour.
// Never shipped; the invoker supplies the real class.
package org.apache.openwhisk.core.containerpool

import java.time.Instant

import scala.concurrent.{ExecutionContext, Future}
import scala.concurrent.duration._

import org.apache.openwhisk.common.{Logging, TransactionId}
import org.apache.openwhisk.core.WhiskConfig
import org.apache.openwhisk.core.entity.{ActivationResponse, ByteSize, ExecManifest, ExecutableWhiskAction, InvokerInstanceId, WhiskAction}
import org.apache.openwhisk.spi.Spi
import org.apache.pekko.actor.ActorSystem
import org.apache.pekko.stream.scaladsl.Source
import org.apache.pekko.util.ByteString
import spray.json.{JsObject, JsValue}

case class ContainerId(asString: String)
case class ContainerAddress(host: String, port: Int = 8080) {
  def asString(): String = s"$host:$port"
}

object Container {
  val ACTIVATION_LOG_SENTINEL = "XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX"
}

trait ContainerClient {
  def close(): Future[Unit]
}

case class Interval(start: Instant, end: Instant) {
  def duration: Duration = Duration.create(end.toEpochMilli - start.toEpochMilli, MILLISECONDS)
}

class RunResult

trait Container {
  implicit protected val as: ActorSystem
  protected val id: ContainerId
  protected[core] val addr: ContainerAddress
  protected implicit val logging: Logging
  protected implicit val ec: ExecutionContext
  protected var httpConnection: Option[ContainerClient] = None
  protected var containerHttpMaxConcurrent: Int = 1
  protected var containerHttpTimeout: FiniteDuration = 60.seconds

  def containerId: ContainerId = id
  // suspend, resume and destroy do what OpenWhisk's do with the HTTP client, so that subclasses can be tested
  def suspend()(implicit transid: TransactionId): Future[Unit] = {
    val toClose = httpConnection
    httpConnection = None
    toClose.map(_.close()).getOrElse(Future.successful(()))
  }
  def resume()(implicit transid: TransactionId): Future[Unit] = Future.successful(())
  def logs(limit: ByteSize, waitForSentinel: Boolean)(implicit transid: TransactionId): Source[ByteString, Any]
  def destroy()(implicit transid: TransactionId): Future[Unit] =
    httpConnection.map(_.close()).getOrElse(Future.successful(()))
  def initialize(initializer: JsObject, timeout: FiniteDuration, maxConcurrent: Int, entity: Option[WhiskAction] = None)(
    implicit transid: TransactionId): Future[Interval] = Future.failed(new UnsupportedOperationException)
  def run(parameters: JsValue,
          environment: JsObject,
          timeout: FiniteDuration,
          maxConcurrent: Int,
          maxResponse: ByteSize,
          truncation: ByteSize,
          reschedule: Boolean = false)(implicit transid: TransactionId): Future[(Interval, ActivationResponse)] =
    Future.failed(new UnsupportedOperationException)
  protected def callContainer(path: String,
                              body: JsObject,
                              timeout: FiniteDuration,
                              maxConcurrent: Int,
                              maxResponse: ByteSize,
                              truncation: ByteSize,
                              retry: Boolean = false,
                              reschedule: Boolean = false)(implicit transid: TransactionId): Future[RunResult] =
    Future.failed(new UnsupportedOperationException)
}

sealed abstract class ContainerError(msg: String) extends Exception(msg)
sealed abstract class ContainerStartupError(msg: String) extends ContainerError(msg)
case class WhiskContainerStartupError(msg: String) extends ContainerStartupError(msg)
case class BlackboxStartupError(msg: String) extends ContainerStartupError(msg)

case class ContainerArgsConfig(network: String,
                               dnsServers: Seq[String] = Seq.empty,
                               dnsSearch: Seq[String] = Seq.empty,
                               dnsOptions: Seq[String] = Seq.empty,
                               extraEnvVars: Seq[String] = Seq.empty,
                               extraArgs: Map[String, Set[String]] = Map.empty)

trait ContainerFactory {
  def createContainer(tid: TransactionId,
                      name: String,
                      actionImage: ExecManifest.ImageName,
                      userProvidedImage: Boolean,
                      memory: ByteSize,
                      cpuShares: Int,
                      cpuLimit: Option[Double],
                      action: Option[ExecutableWhiskAction])(implicit config: WhiskConfig, logging: Logging): Future[Container] =
    createContainer(tid, name, actionImage, userProvidedImage, memory, cpuShares, cpuLimit)

  def createContainer(tid: TransactionId,
                      name: String,
                      actionImage: ExecManifest.ImageName,
                      userProvidedImage: Boolean,
                      memory: ByteSize,
                      cpuShares: Int,
                      cpuLimit: Option[Double])(implicit config: WhiskConfig, logging: Logging): Future[Container]

  def init(): Unit
  def cleanup(): Unit
}

trait ContainerFactoryProvider extends Spi {
  def instance(actorSystem: ActorSystem,
               logging: Logging,
               config: WhiskConfig,
               instance: InvokerInstanceId,
               parameters: Map[String, Set[String]]): ContainerFactory
}
