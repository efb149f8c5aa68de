"""The hello-world app every HTTP figure divides by: FastAPI, one route, no middleware."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello"}
