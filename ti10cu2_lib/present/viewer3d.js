// ti10cu2 3D structure viewer: the JavaScript half of ti10cu2_lib/viewer3d.py (a Panel JSComponent).
//
// `NGL` is provided by the bundle that ti10cu2_lib/_vendor.py builds (NGL's own build + this file), so the
// viewer loads nothing from the network. Data model (Python parameters, synced by Panel):
//   scene          {text, format, cell, title, labels}: the structure file text for NGL (format = NGL parser
//                  name: mol2, pdb, cif, sdf, ...), cell = [[ax,ay,az],[bx,by,bz],[cx,cy,cz]] in Å or null,
//                  labels = atom labels in file order (NGL upper-cases atom names) or null
//   representation "ball+stick" | "spacefill" | "licorice" | "line"
//   show_cell      draw the unit-cell box (a red, b green, c blue from the origin; other edges grey)
//   colors         {element symbol: "#rrggbb"} overriding NGL's element (CPK/Jmol) colours
//   background     background colour; camera "orthographic" | "perspective"
// A scene may also carry (schematic pictures, e.g. the illustrative supercrystals):
//   shapes         {spheres: [[x, y, z, radius, "#rrggbb", label], ...],
//                   cylinders: [[x1, y1, z1, x2, y2, z2, radius, "#rrggbb", label], ...], opacity}: drawn as NGL
//                  shapes, with or without structure text
//   badge          {text, color, title, caption}: a provenance badge (and one line of caption) over the view
//   kind           what the scene is ("structure", "schematic-sp", ...): copied to data-scene
//   cell_radius    radius (Å) of the cell edges (default 0.04; thicker for pictures tens of Å across)
// The container carries data-state (loading|ready|empty|error), data-draws (structures drawn so far),
// data-first-frame-ms (performance.now() when the first structure frame was rendered), data-scene,
// data-provenance (the badge text) and data-shapes (spheres + cylinders drawn) for tests.

const EDGE_COLORS = { a: [0.85, 0.1, 0.1], b: [0.1, 0.65, 0.1], c: [0.1, 0.25, 0.9], other: [0.45, 0.45, 0.45] }

function plain(value) {
  // Bokeh may hand dictionaries over as Map objects; the viewer works on plain objects.
  if (value instanceof Map) {
    const out = {}
    for (const [k, v] of value.entries()) out[k] = plain(v)
    return out
  }
  if (Array.isArray(value)) return value.map(plain)
  return value
}

function cellEdges(cell) {
  const [a, b, c] = cell
  const add = (...vs) => [0, 1, 2].map((i) => vs.reduce((s, v) => s + v[i], 0))
  const o = [0, 0, 0]
  const ab = add(a, b), ac = add(a, c), bc = add(b, c), abc = add(a, b, c)
  return [
    [o, a, "a"], [o, b, "b"], [o, c, "c"],
    [a, ab, "other"], [a, ac, "other"], [b, ab, "other"], [b, bc, "other"], [c, ac, "other"], [c, bc, "other"],
    [ab, abc, "other"], [ac, abc, "other"], [bc, abc, "other"],
  ]
}

// NGL's MouseObserver listens on `document` and only reacts to events whose target is its canvas. Inside
// Panel the canvas sits in shadow roots, so document listeners see the retargeted shadow host and rotation,
// zoom and hover do nothing. Re-register NGL's handlers with the real target (event.composedPath()[0]).
const NGL_DOCUMENT_EVENTS = {
  mousewheel: "_onMousewheel", wheel: "_onMousewheel", MozMousePixelScroll: "_onMousewheel",
  mousemove: "_onMousemove", mousedown: "_onMousedown", mouseup: "_onMouseup", contextmenu: "_onContextmenu",
  touchstart: "_onTouchstart", touchend: "_onTouchend", touchmove: "_onTouchmove",
}

function retarget(event) {
  const path = typeof event.composedPath === "function" ? event.composedPath() : []
  const real = path.length ? path[0] : event.target
  if (real === event.target) return event
  return new Proxy(event, {
    get(target, prop) {
      if (prop === "target") return real
      const value = Reflect.get(target, prop)
      return typeof value === "function" ? value.bind(target) : value
    },
  })
}

function shadowSafeMouse(observer) {
  const added = []
  for (const [type, name] of Object.entries(NGL_DOCUMENT_EVENTS)) {
    const handler = observer && observer[name]
    if (typeof handler !== "function") continue
    document.removeEventListener(type, handler)
    const wrapped = (event) => handler(retarget(event))
    document.addEventListener(type, wrapped, { passive: false })
    added.push([type, wrapped])
  }
  return () => {
    for (const [type, wrapped] of added) document.removeEventListener(type, wrapped)
  }
}

function fmt(x) {
  return Number(x).toFixed(3)
}

export function render({ model, el }) {
  const box = document.createElement("div")
  box.className = "ti10cu2-viewer3d"
  box.dataset.viewer3d = "1"
  box.dataset.state = "loading"
  box.dataset.draws = "0"
  box.style.cssText = "position:relative;width:100%;height:100%;min-height:120px;overflow:hidden"
  const tip = document.createElement("div")
  tip.dataset.viewer3dTooltip = "1"
  tip.style.cssText = "position:absolute;display:none;pointer-events:none;z-index:10;padding:2px 6px;" +
    "border-radius:3px;background:rgba(20,20,20,0.8);color:#fff;font:12px/1.4 sans-serif;white-space:nowrap"
  const message = document.createElement("div")
  message.style.cssText = "position:absolute;inset:0;display:none;align-items:center;justify-content:center;" +
    "padding:1em;text-align:center;font:14px sans-serif;color:#555"
  const badge = document.createElement("div")
  badge.dataset.viewer3dBadge = "1"
  badge.style.cssText = "position:absolute;left:6px;top:6px;z-index:5;display:none;pointer-events:auto;" +
    "font:12px/1.35 sans-serif;color:#222"
  const caption = document.createElement("div")
  caption.dataset.viewer3dCaption = "1"
  caption.style.cssText = "position:absolute;left:6px;right:6px;bottom:6px;z-index:5;display:none;" +
    "padding:2px 6px;background:rgba(255,255,255,0.88);border-radius:3px;font:12px/1.35 sans-serif;color:#222"
  el.appendChild(box)

  let stage
  try {
    stage = new NGL.Stage(box, {
      backgroundColor: model.background,
      cameraType: model.camera,
      tooltip: false,
      sampleLevel: 0,
      fogNear: 99, // no depth fog: atoms at the back of a unit cell keep their element colours
      fogFar: 100,
    })
  } catch (err) {
    box.dataset.state = "error"
    message.textContent = `3D view unavailable (WebGL could not start): ${err}`
    message.style.display = "flex"
    box.appendChild(message)
    return
  }
  box.appendChild(tip)
  box.appendChild(message)
  box.appendChild(badge)
  box.appendChild(caption)
  const releaseMouse = shadowSafeMouse(stage.mouseObserver)
  // NGL's default camera looks along +z (x to the left); turn it to look along -z: x right, y up, which for a
  // crystal in gemmi's orientation (a along x, b in the xy plane) is the view down c*.
  stage.viewerControls.spin([0, 1, 0], Math.PI)

  let structure = null
  let shapeComp = null
  let cellShape = null
  let reprs = []
  let seq = 0
  let scheme = null
  let labels = null

  const atomLabel = (atom) => (labels && labels[atom.index] !== undefined ? labels[atom.index] : atom.atomname)

  function colorScheme() {
    if (scheme === null) {
      const palette = {}
      for (const [k, v] of Object.entries(plain(model.colors) || {})) palette[k.toUpperCase()] = new NGL.Color(v).getHex()
      scheme = NGL.ColormakerRegistry.addScheme(function (params) {
        const base = NGL.ColormakerRegistry.getScheme(Object.assign({}, params, { scheme: "element" }))
        this.atomColor = (atom) => (atom.element in palette ? palette[atom.element] : base.atomColor(atom))
      }, "ti10cu2 elements")
    }
    return scheme
  }

  function drawRepresentation() {
    if (structure === null) return
    for (const r of reprs) structure.removeRepresentation(r)
    reprs = []
    const common = { color: colorScheme() }
    const kind = model.representation
    if (kind === "spacefill") {
      reprs.push(structure.addRepresentation("spacefill", common))
    } else if (kind === "licorice") {
      reprs.push(structure.addRepresentation("licorice", { ...common, radiusSize: 0.12 }))
    } else if (kind === "line") {
      reprs.push(structure.addRepresentation("line", { ...common, linewidth: 2 }))
    } else {
      reprs.push(structure.addRepresentation("ball+stick", { ...common, radiusSize: 0.14, aspectRatio: 2.4 }))
    }
    if (model.show_cell && cellShape === null && structure.structure.unitcell) {
      reprs.push(structure.addRepresentation("unitcell", { colorValue: "#737373", radiusSize: 0.04 }))
    }
  }

  function drawCell(cell, radius) {
    if (cellShape !== null) {
      stage.removeComponent(cellShape)
      cellShape = null
    }
    if (!cell || !model.show_cell) return
    const shape = new NGL.Shape("unit cell", { disableImpostor: false })
    for (const [p, q, axis] of cellEdges(cell)) shape.addCylinder(p, q, EDGE_COLORS[axis], radius || 0.04, `cell edge ${axis}`)
    cellShape = stage.addComponentFromObject(shape)
    cellShape.addRepresentation("buffer")
  }

  function drawShapes(shapes) {
    const spheres = Array.isArray(shapes.spheres) ? shapes.spheres : []
    const cylinders = Array.isArray(shapes.cylinders) ? shapes.cylinders : []
    if (!spheres.length && !cylinders.length) return 0
    const shape = new NGL.Shape("schematic", { disableImpostor: false })
    const rgb = (hex) => new NGL.Color(hex).toArray()
    for (const [x, y, z, r, color, label] of spheres) shape.addSphere([x, y, z], rgb(color), r, label || "")
    for (const [x1, y1, z1, x2, y2, z2, r, color, label] of cylinders) {
      shape.addCylinder([x1, y1, z1], [x2, y2, z2], rgb(color), r, label || "")
    }
    shapeComp = stage.addComponentFromObject(shape)
    shapeComp.addRepresentation("buffer", { opacity: shapes.opacity === undefined ? 1 : shapes.opacity })
    return spheres.length + cylinders.length
  }

  function showBadge(info) {
    badge.replaceChildren()
    caption.textContent = ""
    caption.style.display = "none"
    if (!info || !info.text) {
      badge.style.display = "none"
      delete box.dataset.provenance
      return
    }
    const tag = document.createElement("span")
    tag.textContent = info.text
    tag.title = info.title || ""
    tag.style.cssText = `background:${info.color || "#b2182b"};color:#fff;border-radius:4px;padding:1px 6px;` +
      "font-weight:600;white-space:nowrap"
    badge.appendChild(tag)
    badge.style.display = "block"
    box.dataset.provenance = info.text
    if (info.caption) {
      caption.textContent = info.caption
      caption.style.display = "block"
    }
  }

  function fitView(scene) {
    stage.autoView(0)
    // leave room for the badge and the caption drawn over a schematic picture
    const mine = seq
    const room = scene.badge && !scene.text ? (scene.badge.caption ? -0.3 : -0.08) : 0
    if (room) setTimeout(() => mine === seq && stage.viewerControls.zoom(room), 0)
    stage.viewer.requestRender()
  }

  function frameDrawn(first) {
    box.dataset.draws = String(Number(box.dataset.draws) + 1)
    box.dataset.state = "ready"
    if (first && !box.dataset.firstFrameMs) box.dataset.firstFrameMs = String(Math.round(performance.now()))
  }

  async function draw() {
    const mine = ++seq
    const scene = plain(model.scene) || {}
    labels = Array.isArray(scene.labels) ? scene.labels : null
    stage.removeAllComponents()
    structure = null
    shapeComp = null
    cellShape = null
    reprs = []
    message.style.display = "none"
    box.dataset.scene = scene.kind || "structure"
    showBadge(scene.badge)
    const shapes = scene.shapes || null
    if (!scene.text && shapes) {
      box.dataset.state = "loading"
      let n = 0
      try {
        n = drawShapes(shapes)
      } catch (err) {
        box.dataset.state = "error"
        message.textContent = `Could not draw the picture: ${err}`
        message.style.display = "flex"
        console.warn("ti10cu2 viewer3d:", err)
        return
      }
      box.dataset.shapes = String(n)
      drawCell(scene.cell, scene.cell_radius)
      stage.tasks.onZeroOnce(() => {
        if (mine !== seq) return
        fitView(scene)
        stage.viewer.signals.rendered.addOnce(() => frameDrawn(true))
        stage.viewer.requestRender()
      })
      return
    }
    if (!scene.text) {
      box.dataset.state = "empty"
      stage.viewer.requestRender()
      return
    }
    box.dataset.state = "loading"
    let comp
    try {
      const blob = new Blob([scene.text], { type: "text/plain" })
      comp = await stage.loadFile(blob, { ext: scene.format, name: scene.title || "structure", defaultRepresentation: false })
    } catch (err) {
      if (mine !== seq) return
      box.dataset.state = "error"
      message.textContent = `Could not read the structure (${scene.format}): ${err}`
      message.style.display = "flex"
      console.warn("ti10cu2 viewer3d:", err)
      return
    }
    if (mine !== seq) {
      stage.removeComponent(comp)
      return
    }
    structure = comp
    box.dataset.shapes = String(shapes ? drawShapes(shapes) : 0)
    drawCell(scene.cell, scene.cell_radius)
    drawRepresentation()
    stage.tasks.onZeroOnce(() => {
      if (mine !== seq) return
      fitView(scene)
      stage.viewer.signals.rendered.addOnce(() => frameDrawn(true))
      stage.viewer.requestRender()
    })
  }

  function redrawExtras() {
    if (structure === null && shapeComp === null) return
    const scene = plain(model.scene) || {}
    drawCell(scene.cell, scene.cell_radius)
    drawRepresentation()
    stage.tasks.onZeroOnce(() => {
      stage.viewer.signals.rendered.addOnce(() => frameDrawn(false))
      stage.viewer.requestRender()
    })
  }

  stage.signals.hovered.add((pick) => {
    let text = null
    if (pick && pick.atom) {
      const a = pick.atom
      text = `${atomLabel(a)} (${a.element[0]}${a.element.slice(1).toLowerCase()})  x ${fmt(a.x)}  y ${fmt(a.y)}  z ${fmt(a.z)} Å`
    } else if (pick && pick.bond) {
      const b = pick.bond
      text = `${atomLabel(b.atom1)}–${atomLabel(b.atom2)}  ${fmt(b.atom1.distanceTo(b.atom2))} Å`
    } else if (pick && pick.sphere && pick.sphere.name) {
      text = pick.sphere.name
    } else if (pick && pick.cylinder && pick.cylinder.name) {
      text = pick.cylinder.name
    }
    if (text === null) {
      tip.style.display = "none"
      return
    }
    tip.textContent = text
    const p = pick.canvasPosition
    tip.style.left = `${p.x + 8}px`
    tip.style.bottom = `${p.y + 8}px`
    tip.style.display = "block"
  })

  // A viewer built in a hidden container (e.g. the other form's column of the dashboard) has no size when it draws,
  // so its camera fits nothing; fit the view again the first time the container gets a size.
  let hadSize = false
  const resize = () => {
    stage.handleResize()
    const sized = box.clientWidth > 0 && box.clientHeight > 0
    if (sized && !hadSize && (structure !== null || shapeComp !== null)) fitView(plain(model.scene) || {})
    hadSize = sized
  }
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(resize)
  if (observer) observer.observe(box)

  model.on("scene", draw)
  model.on(["representation", "show_cell"], redrawExtras)
  model.on("colors", () => {
    scheme = null
    redrawExtras()
  })
  model.on("background", () => stage.setParameters({ backgroundColor: model.background }))
  model.on("camera", () => stage.setParameters({ cameraType: model.camera }))
  model.on("after_layout", resize)
  model.on("resize", resize)
  model.on("remove", () => {
    seq += 1
    if (observer) observer.disconnect()
    releaseMouse()
    try {
      const renderer = stage.viewer.renderer
      stage.dispose()
      if (renderer && renderer.forceContextLoss) renderer.forceContextLoss()
    } catch (err) {
      console.warn("ti10cu2 viewer3d: dispose failed", err)
    }
  })
  draw()
}
