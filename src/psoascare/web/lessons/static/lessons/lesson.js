// Click-to-load videos: no request reaches the video provider until the reader presses play.
document.querySelectorAll(".video-facade").forEach((facade) => {
  const button = facade.querySelector(".load-video");
  if (!button) return;
  button.addEventListener("click", () => {
    const frame = document.createElement("iframe");
    frame.src = facade.dataset.embedSrc;
    frame.title = facade.dataset.title || "Video";
    frame.allow = "autoplay; fullscreen; picture-in-picture";
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    facade.replaceChildren(frame);
    frame.focus();
  });
});
