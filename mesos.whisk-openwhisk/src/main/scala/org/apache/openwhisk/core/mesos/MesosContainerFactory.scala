package org.apache.openwhisk.core.mesos

import scala.concurrent.{ExecutionContext, Future}
import scala.jdk.FutureConverters._
import scala.util.{Failure, Success, Try}

import io.mesowhisk.whisk.{ContainerException, WhiskContainerFactory}
import org.apache.openwhisk.common.{Logging, TransactionId}
import org.apache.openwhisk.core.WhiskConfig
import org.apache.openwhisk.core.containerpool.{Container, ContainerFactory}
import org.apache.openwhisk.core.entity.{ByteSize, ExecManifest, InvokerInstanceId}
import org.apache.pekko.actor.ActorSystem

/**
 * OpenWhisk's `ContainerFactory` over our [[WhiskContainerFactory]] service, which lives in the embedded OSGi
 * framework. Thread-safe (the service is).
 *
 * @param stop called at the end of `cleanup()`: stops the embedded framework
 */
class MesosContainerFactory(service: WhiskContainerFactory,
                            settings: ContainerSettings,
                            invoker: InvokerInstanceId,
                            parameters: Map[String, Set[String]],
                            apiHost: Option[String],
                            stop: () => Unit)(implicit as: ActorSystem, logging: Logging)
    extends ContainerFactory {

  private implicit val ec: ExecutionContext = as.dispatcher

  // dropped by cleanup(): the stopped bundles' objects can then be collected while the invoker keeps this factory
  @volatile private var whisk: Option[WhiskContainerFactory] = Some(service)

  override def createContainer(tid: TransactionId,
                               name: String,
                               actionImage: ExecManifest.ImageName,
                               userProvidedImage: Boolean,
                               memory: ByteSize,
                               cpuShares: Int,
                               cpuLimit: Option[Double])(implicit config: WhiskConfig, logging: Logging): Future[Container] =
    Try(
      RequestMapping.request(
        tid,
        name,
        actionImage,
        userProvidedImage,
        memory,
        cpuShares,
        cpuLimit,
        invoker,
        parameters,
        settings,
        apiHost)) match {
      case Failure(e) => Future.failed(RequestMapping.failure(e, None))
      case Success(request) =>
        Try(whisk.getOrElse(throw MesosContainerFactory.stopped).createContainer(request).asScala) match {
          case Failure(e) => Future.failed(RequestMapping.failure(e, Some(request)))
          case Success(created) =>
            created.transform(
              container => new MesosContainer(container)(as, logging),
              e => RequestMapping.failure(e, Some(request)))
        }
    }

  override def init(): Unit = whisk.foreach(_.init())

  /**
   * Ends the factory's work (blocking, bounded by `timeouts.teardown`), then stops the embedded framework. Containers
   * asked for afterwards fail with a [[org.apache.openwhisk.core.containerpool.WhiskContainerStartupError]].
   */
  override def cleanup(): Unit =
    try whisk.foreach(_.cleanup())
    finally {
      whisk = None
      stop()
    }
}

object MesosContainerFactory {
  private def stopped =
    new ContainerException(ContainerException.Kind.STOPPED, "cleanup() was called: the embedded framework is stopped")
}
